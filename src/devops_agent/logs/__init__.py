"""Log intake, cleaning, dialects and secret redaction: nothing downstream sees secrets."""
