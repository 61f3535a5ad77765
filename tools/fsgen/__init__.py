"""fsgen: deterministic, seeded test captures for floodspot (the package
behind tools/fs-gen).

    cli.py          command line, scenario table, truth common fields
    pcap.py         packet time, classic pcap writer
    truth.py        per-host counts from the frames written
    frames.py       addresses, checksums, Ethernet/IPv4/IPv6/TCP/UDP/ICMP
    link.py         delivery layers: VLAN remap, QinQ, remote mirror
    proto/          wire formats, one module per protocol
    lan.py          classic LAN model (lan, incident, spoof, mix)
    ospf_model.py   OSPFv2 routers: LSDB, hellos, adjacency exchange
    segment.py      realistic segment model (busy-lan and the new cases)
    template.py     fast template streams for floods of millions
    scenarios/      one module per scenario
"""
