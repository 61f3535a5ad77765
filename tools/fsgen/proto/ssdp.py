"""SSDP (UPnP device architecture 1.1), UDP 1900 to 239.255.255.250 or
ff02::c."""

PORT = 1900


def msearch(st=b'ssdp:all', mx=1, host=b'239.255.255.250:1900'):
    return (b'M-SEARCH * HTTP/1.1\r\nHOST: ' + host + b'\r\n'
            b'MAN: "ssdp:discover"\r\nMX: ' + str(mx).encode() + b'\r\n'
            b'ST: ' + st + b'\r\n\r\n')


def notify(location, nt, usn, host=b'239.255.255.250:1900'):
    return (b'NOTIFY * HTTP/1.1\r\nHOST: ' + host + b'\r\n'
            b'CACHE-CONTROL: max-age=1800\r\nLOCATION: ' + location +
            b'\r\nNT: ' + nt + b'\r\nNTS: ssdp:alive\r\nSERVER: Linux/5.10 '
            b'UPnP/1.0 MediaServer/1.0\r\nUSN: ' + usn + b'\r\n\r\n')
