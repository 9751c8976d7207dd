"""The building ledger and the occupancies as .xlsx (``?format=xlsx`` on their lists): the columns of the
import templates (``buildings.imports``), so an exported sheet can be corrected and imported back."""

from .imports import BuildingImport, OccupancyImport
from .models import Building, Occupancy

EXPORTERS = {Building: BuildingImport, Occupancy: OccupancyImport}
