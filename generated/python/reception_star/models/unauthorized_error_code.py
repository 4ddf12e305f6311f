from enum import StrEnum


class UnauthorizedErrorCode(StrEnum):
    INVALID_API_KEY = "invalid_api_key"
    INVALID_REFRESH_TOKEN = "invalid_refresh_token"
    INVALID_TOKEN = "invalid_token"
    MISSING_TOKEN = "missing_token"
    PASSWORD_INCORRECT = "password_incorrect"
    PASSWORD_PWNED = "password_pwned"
    TOKEN_EXPIRED = "token_expired"
    USER_NOT_FOUND = "user_not_found"

    def __str__(self) -> str:
        return str(self.value)
