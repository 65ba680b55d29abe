"""Identification services: policy versions, assessments, the review workflow, data
comparison, duplicates, findings and the re-check campaign (one module each)."""
