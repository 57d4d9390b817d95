"""Warranty (三包): sold units and their customers, policies per model, claims and their assessment, and the intake
of assessed failed parts into the returned-parts store (旧件库).

Nouns: `ProductModel` (机型, with its category), `Customer`, `Unit` (a sold serial/VIN), `Policy` (versioned by
`effective_from`: the version in force on the sale date applies, so later edits never change sold units),
`Extension` (months bought later), `Claim` (one failed part of one unit from one dealer, its assessment and its
intake), `PartWarranty` (a part replaced under warranty carrying its own period), `LabourRate` (per model category).

Invariants: a claim's credit is posted once (one account line per claim); a claim is taken in once (a conditional
UPDATE on the claim); only an assessment that has taken effect lets the part into the returned-parts store, where it
is carried at zero stock value. Written by technicians (assessment), quality engineers (confirmation), managers
(rejections above the limit), clerks (claims, intake) and the registry of units and policies.
"""
