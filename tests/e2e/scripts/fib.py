"""Plain recursion: fib(15) makes 1973 calls, one of them outermost."""


def fib(n):
    return n if n < 2 else fib(n - 1) + fib(n - 2)


def mutual_even(n):
    return True if n == 0 else mutual_odd(n - 1)


def mutual_odd(n):
    return False if n == 0 else mutual_even(n - 1)


assert fib(15) == 610
assert mutual_even(20)
