"""Generators: one consumed by a for loop (1 call for 100 items), one
consumed by a list(), one instantiated three times."""


def count_up(n):
    for i in range(n):
        yield i


def squares(n):
    i = 0
    while i < n:
        yield i * i
        i += 1


total = 0
for x in count_up(100):
    total += x
assert total == 4950
assert list(squares(10))[-1] == 81
for _ in range(3):
    assert sum(squares(5)) == 30
