"""URL arguments for the accounts pages (the every-URL × every-role walk)."""


def url_samples(*, users) -> dict[str, dict]:
    # An unknown user and token: the page answers "this link does not work" to everyone.
    return {"password_reset_confirm": {"uidb64": "MTIzNDU2Nzg5", "token": "not-a-token"}}
