"""Pure decisions about sign-ins: how long a name or an address is locked after failures, and the password policy.

A growing lock: the first few failures cost nothing (people mistype), then each further failure locks the key for
twice as long as the last, up to MAX_LOCK. A name locks early; an address late, because a whole warehouse may sit
behind one NAT address and one guesser must not lock everyone out. A key forgets its failures after FORGET_AFTER
without one.
"""
from __future__ import annotations

from datetime import timedelta

USER_FREE_FAILURES = 5
IP_FREE_FAILURES = 30
FIRST_LOCK = timedelta(seconds=30)
MAX_LOCK = timedelta(minutes=15)
FORGET_AFTER = timedelta(hours=1)

PASSWORD_MIN = 10

# Common passwords long enough to pass the length rule (the shorter ones fail it anyway): leaked-password lists'
# top entries, keyboard walks and the Chinese favourites. Compared in lower case.
COMMON_PASSWORDS = frozenset("""
1234567890 0123456789 9876543210 12345678910 123456789a a123456789 a1234567890 123456789abc 1234567890a
1111111111 0000000000 8888888888 6666666666 1234512345 1122334455 1qaz2wsx3edc 1q2w3e4r5t 1q2w3e4r5t6y
qwertyuiop qwerty12345 qwerty123456 qwe1234567 qweasdzxc1 asdfghjkl1 zxcvbnm123 asdf123456 abc1234567
abcd123456 abcde12345 abc123456789 aa12345678 aa123456789 password12 password123 password1234 passw0rd123
p@ssw0rd123 iloveyou12 iloveyou123 woaini1314 woaini520 5201314520 1314520520 woaini123456 admin12345
admin123456 administrator admin@123456 root123456 welcome123 welcome1234 letmein123 changeme123 football123
baseball123 sunshine123 princess123 dragon1234 monkey12345 computer123 internet123 trustno1234 superman123
starwars123 zaq12wsxcde 1qazxsw23edc qazwsx123456 qwertyuiop123 huang123456 zhang123456 wang1234567
li123456789 liu123456789 chen1234567 aini1314520 woaini1314520 521521521521 147258369a 1472583690 3141592653
""".split())


def lock_after(failures: int, *, free: int) -> timedelta | None:
    """How long a key is locked after its `failures`-th failure in a row: None while within the free ones."""
    if failures < free:
        return None
    return min(FIRST_LOCK * 2 ** min(failures - free, 20), MAX_LOCK)


def password_problem(password: str, *, username: str | None) -> str | None:
    """Which rule the password breaks (too_short, password_has_username, password_common), else None: long enough,
    not the username (nor holding it), not a well-known password, not one or two characters repeated."""
    if len(password) < PASSWORD_MIN:
        return "too_short"
    lower = password.lower()
    if username and len(username) >= 3 and username.lower() in lower:
        return "password_has_username"
    if lower in COMMON_PASSWORDS or len(set(lower)) <= 2:
        return "password_common"
    return None
