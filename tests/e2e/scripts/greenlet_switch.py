"""Two greenlets switch back and forth. a() sleeps 10 ms, lets b() sleep
25 ms, sleeps 10 ms more and ends; the main greenlet then runs after()
(10 ms) and lets b() finish (25 ms). Each function counts one call on a
path of its own: a and b at the top of their greenlets, after() under
<module>. a is switched out 25 ms (b), b 20 ms (a, then after)."""
import time

from greenlet import greenlet


def leaf():
    pass


def a():
    leaf()
    time.sleep(0.010)
    gb.switch()
    leaf()
    time.sleep(0.010)


def b():
    leaf()
    time.sleep(0.025)
    ga.switch()
    leaf()
    time.sleep(0.025)


def after():
    leaf()
    time.sleep(0.010)


ga = greenlet(a)
gb = greenlet(b)
ga.switch()
after()
gb.switch()
print("done")
