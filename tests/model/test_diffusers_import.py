"""hvg.model.unet imports diffusers' timestep classes without building diffusers' table of every installed
package (~0.1 s of each render that draws a block), and diffusers still answers from the full table when asked."""
from __future__ import annotations

import json
import subprocess
import sys

CODE = """
import importlib.metadata as metadata, json
real = metadata.packages_distributions
built = []
def counting():
    built.append(1)
    return real()
metadata.packages_distributions = counting
import hvg.model.unet
import diffusers.utils.import_utils as import_utils
after_import = len(built)
table = dict(import_utils._package_map)          # diffusers reads its table: now it is built
print(json.dumps({"built_on_import": after_import, "built_on_read": len(built) - after_import,
                  "put_back": metadata.packages_distributions is counting,
                  "same_table": table == real() and len(table) > 0}))
"""


def test_the_package_table_is_built_only_when_diffusers_reads_it():
    done = subprocess.run([sys.executable, "-c", CODE], capture_output=True, text=True, check=True)
    seen = json.loads(done.stdout.strip().splitlines()[-1])
    assert seen == {"built_on_import": 0, "built_on_read": 1, "put_back": True, "same_table": True}
