"""The public catalog's reads: parameters, search, prices in the buyer's currency, facets, the read cache."""
