"""Reading a request body that the service validates itself."""


def body_text(request, name: str) -> str:
    """The text under `name` in a JSON or form body; "" when the body is not an object or the value is not
    text, so that the service answers with its own field error instead of the view failing on the shape."""
    data = request.data
    value = data.get(name, "") if hasattr(data, "get") else ""
    return value if isinstance(value, str) else ""
