"""Log filters: the web server's request lines lose the values of a sign-in's query (X sends
the verifier back in the callback URL's query, and it must not reach a log)."""

import logging
import re

SIGN_IN_PARAMETER = re.compile(r"\b(oauth_verifier|oauth_token|denied)=[^&\s\"]*")


class RedactSignInQuery(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        redacted = SIGN_IN_PARAMETER.sub(r"\1=[redacted]", message)
        if redacted != message:
            record.msg, record.args = redacted, ()
        return True
