"""One module per scenario; each has run(a, rng, out, hc, truth) that
writes the capture through out (pcap.PcapOut), counts what it wrote in hc
(truth.HostCount) and fills the scenario's part of the truth dict."""
