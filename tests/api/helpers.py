"""Tokens for the API tests, made through the services as the pages make them."""

from api.services import create_integration_token, create_personal_token


def personal_token(user, name="тест") -> str:
    return create_personal_token(acting_user=user, name=name)[1]


def integration_token(user, school, scopes, name="интеграция") -> str:
    return create_integration_token(acting_user=user, school=school, name=name, scopes=scopes)[1]


def auth(secret: str, keyword="Token") -> dict:
    return {"HTTP_AUTHORIZATION": f"{keyword} {secret}"}
