from fupin.regions.services.importing import RegionImportResult, RegionRow, regions_import

__all__ = ["RegionImportResult", "RegionRow", "regions_import"]
