import dagster as dg

from my_project.defs import customers

defs = dg.Definitions(assets=dg.load_assets_from_modules([customers]))
