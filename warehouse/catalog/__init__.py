"""Catalog: suppliers, parts and the barcodes that identify them (our own code plus any supplier EAN/GTIN).

A part is identified by its part number; every barcode value maps to exactly one part (unique constraint), so a
scan resolves without ambiguity. Written by catalog services only; read everywhere.
"""
