"""The enterprise registry and the monthly reports as .xlsx (``?format=xlsx`` on their lists): the columns of
the import templates (``enterprises.imports``), so an exported sheet can be corrected and imported back."""

from .imports import EnterpriseImport, MonthlyReportImport
from .models import Enterprise, MonthlyReport

EXPORTERS = {Enterprise: EnterpriseImport, MonthlyReport: MonthlyReportImport}
