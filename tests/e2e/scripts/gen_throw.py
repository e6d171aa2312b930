"""Exceptions thrown into generators with throw(): one catches it and
goes on yielding, one lets it out."""


def resilient():
    while True:
        try:
            yield "value"
        except ValueError:
            yield "recovered"


def fragile():
    yield 1
    yield 2


r = resilient()
assert next(r) == "value"
assert r.throw(ValueError("x")) == "recovered"
assert next(r) == "value"
assert r.throw(ValueError("y")) == "recovered"
r.close()

f = fragile()
next(f)
try:
    f.throw(KeyError("out"))
except KeyError:
    pass
else:
    raise AssertionError("not raised")
