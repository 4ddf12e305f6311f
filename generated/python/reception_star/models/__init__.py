"""Contains all the data models used in inputs/outputs"""

from .api_key_grant import ApiKeyGrant
from .client_input import ClientInput
from .client_page import ClientPage
from .client_record import ClientRecord
from .error import Error
from .field_error import FieldError
from .password_grant import PasswordGrant
from .refresh_token_grant import RefreshTokenGrant
from .token import Token

__all__ = (
    "ApiKeyGrant",
    "ClientInput",
    "ClientPage",
    "ClientRecord",
    "Error",
    "FieldError",
    "PasswordGrant",
    "RefreshTokenGrant",
    "Token",
)
