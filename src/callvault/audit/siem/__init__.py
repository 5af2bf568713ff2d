"""The audit trail leaving for a SIEM: ``callvault audit export`` (JSON lines or CEF to
a file) and ``callvault audit forward-syslog`` (RFC 5424 over TLS).

    events    reading each tenant's events in short transactions (``ExportedEvent``)
    format    JSON lines and CEF, and the escaping that keeps log injection out
    rfc5424   syslog messages and their framing
    cursor    how far a consumer got, per tenant (``CursorFile``)
    sink      the ``Sink`` protocol and the one loop that feeds a sink from the log
    export    the file sink and ``export_events``
    syslog    the TLS syslog sink and the ``Forwarder``
"""
