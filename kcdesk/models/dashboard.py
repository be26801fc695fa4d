"""Indexes for the programme dashboard's aggregates (issue 6); no tables of its own.

The dashboard groups approved proposals of a plan-year range by activity, year,
commune, funding source and status, and sums their outputs. Covering indexes let
SQLite answer those queries from the index alone, without reading the wide
proposal rows (their long texts) — the difference at 100,000 proposals.
"""

from __future__ import annotations

from sqlalchemy import Index

from kcdesk.models.proposal import OutputMeasure, Proposal, StatusChange

PROPOSAL_AGGREGATE_INDEX = Index(
    "ix_proposal_dashboard",
    Proposal.plan_year,
    Proposal.status,
    Proposal.activity,
    Proposal.commune,
    Proposal.funding_source,
    Proposal.approved_support,
    Proposal.disbursed,
)
OUTPUT_AGGREGATE_INDEX = Index(
    "ix_output_measure_dashboard",
    OutputMeasure.proposal_id,
    OutputMeasure.measure,
    OutputMeasure.planned,
    OutputMeasure.achieved,
)
# The periodic report finds when each proposal was accepted.
ACCEPTANCE_INDEX = Index(
    "ix_status_change_dashboard",
    StatusChange.to_status,
    StatusChange.proposal_id,
    StatusChange.at,
)
