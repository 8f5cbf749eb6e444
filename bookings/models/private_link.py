"""Private links (a booking's, a waiting-list entry's): the token in the address, and its hash;
and the patron key, a keyed hash of a booking's contact that the statistics count patrons by.

Each row stores a random secret; the token in the link is an HMAC of it under SECRET_KEY, and
only the token's hash is indexed. A leaked database alone reveals no patron's link, and yet
messages such as reminders can carry it.
"""

import base64
import hashlib

from django.utils.crypto import salted_hmac


def private_token_for(link_secret: str) -> str:
    """A private link's token: an HMAC of the stored random secret under SECRET_KEY."""
    digest = salted_hmac("digiopas.booking-link", link_secret, algorithm="sha256").digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def hash_token(token: str) -> str:
    """What is stored and looked up: the token's SHA-256."""
    return hashlib.sha256(token.encode()).hexdigest()


def token_hash_for(link_secret: str) -> str:
    """The stored hash of the token a secret gives."""
    return hash_token(private_token_for(link_secret))


def feedback_token_for(link_secret: str) -> str:
    """The token of a visit's feedback link: another HMAC of the same secret, so the slip
    printed at booking can carry it and it leads nowhere near the booking's own page. 132 bits
    (22 characters) are plenty for a form that can only be answered once, and keep the text
    message that carries it to one part."""
    digest = salted_hmac("digiopas.feedback-link", link_secret, algorithm="sha256").digest()
    return base64.urlsafe_b64encode(digest).decode()[:22]


def patron_key_for(phone: str, email: str) -> str:
    """A keyed hash of the booking's contact (the phone number as stored, else the e-mail in
    lower case): the same patron gets the same key, so the statistics can count different and
    returning patrons without a name or a contact. Keyed under SECRET_KEY, so a list of phone
    numbers cannot be hashed against a leaked database. "" when there is no contact."""
    contact = phone or email.strip().casefold()
    if not contact:
        return ""
    return salted_hmac("digiopas.patron-key", contact, algorithm="sha256").hexdigest()[:32]
