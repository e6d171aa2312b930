"""Qualified names: methods, class and static methods, nested classes,
nested functions and lambdas."""


class Klass:
    def method(self):
        return 1

    @classmethod
    def cmethod(cls):
        return 2

    @staticmethod
    def smethod():
        return 3

    @property
    def prop(self):
        return 4

    class Inner:
        def deep(self):
            return 5


def outer():
    def inner():
        return 6
    return inner()


square = lambda x: x * x  # noqa: E731

k = Klass()
k.method()
Klass.cmethod()
Klass.smethod()
k.prop
Klass.Inner().deep()
outer()
outer()
square(3)
