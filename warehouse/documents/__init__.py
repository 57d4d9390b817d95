"""Documents: the numbered papers that movements belong to (receipt note 入库单, issue note, transfer, adjustment),
and the race-free day sequences that number them (`RN-20261123-0001`).
"""
