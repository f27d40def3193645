"""Places: toponyms resolved offline against a shipped GeoNames gazetteer (Dutch and English).

Importing this package registers the ``geo`` stage.
"""

from kroniek.geo.gazetteer import Candidate, Gazetteer, distance_km
from kroniek.geo.resolve import GeoResolver, country_affiliations, make_geo

__all__ = ["Candidate", "Gazetteer", "GeoResolver", "country_affiliations", "distance_km", "make_geo"]
