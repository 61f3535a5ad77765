"""Wire formats, one module per protocol.  Each builds the bytes of its
protocol's messages from plain arguments; no module keeps state or draws
random numbers (the models in the package do that).

    arp      ARP request/reply (RFC 826)
    dhcp     DHCPv4 (RFC 2131/2132)
    dns      DNS, mDNS and LLMNR messages (RFC 1035, 6762, 4795)
    erspan   ERSPAN type II and III headers (draft-foschiano-erspan)
    gre      GRE (RFC 2784/2890), incl. Transparent Ethernet Bridging
    icmp     ICMPv4 errors and echo (RFC 792)
    igmp     IGMPv3 membership report (RFC 3376)
    lldp     LLDPDU (IEEE 802.1AB)
    mld      MLDv2 listener report (RFC 3810)
    nbns     NetBIOS name query (RFC 1002)
    ndp      IPv6 neighbour discovery (RFC 4861)
    ntp      NTP client request (RFC 5905)
    ospf     OSPFv2 packets and LSAs (RFC 2328)
    ospf3    OSPFv3 hello (RFC 5340)
    snmp     SNMPv2c trap (RFC 3416)
    ssdp     SSDP M-SEARCH / NOTIFY (UPnP)
    stp      802.1D configuration BPDU
    vxlan    VXLAN header (RFC 7348)
"""
