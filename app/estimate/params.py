"""The profile as query parameters (GET /estimate and the embed card): FastAPI's query model of the one
profile definition."""

from typing import Annotated

from fastapi import Query

from app.estimate.profile import ProfileQuery

ProfileQueryDep = Annotated[ProfileQuery, Query()]
