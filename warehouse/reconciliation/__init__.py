"""Reconciliation of account / item / card (账、物、卡) per bin–part, with the likely cause of each difference.

Read-only: one SQL query over the maintained balances (`Balance.qty`, `Balance.card_qty`) left-joined with the current
stocktake count lines and the store's valuation; no per-row Python. Status and cause rules live in `rules.py`.
"""
