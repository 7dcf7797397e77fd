#!/usr/bin/env bash
# Open every bpmn/*.bpmn in real bpmn-js (chromium), save it as a modeller would, and check that tva-flow
# still parses the saved file with the same number of task specs; screenshots land in $OUT/shots.
#
# This is ../shared/tools/modeller-roundtrip/check.sh with tva-flow's own parser: that tool parses each file
# alone with SpiffWorkflow's plain parser, which knows neither the customer-record data store nor call
# activities into another file (the hearing), so it refuses diagrams that use them.
set -euo pipefail
shared=${MODELLER_ROUNDTRIP:-$(cd "$(dirname "$0")/../.." && pwd)/shared/tools/modeller-roundtrip}
[ -f "$shared/check.sh" ] || { echo "no $shared/check.sh: put shared/ beside the project"; exit 1; }
script=$(mktemp)
sed -e 's#^here=.*#here='"$shared"'#' \
    -e 's#from SpiffWorkflow.spiff.parser.process import SpiffBpmnParser#from tva_flow.engine.definitions import make_parser#' \
    -e 's#    p = SpiffBpmnParser(); p.add_bpmn_file(path); p.add_dmn_files(glob.glob("dmn/\*.dmn"))#    p = make_parser(); p.add_bpmn_file(path); [p.add_bpmn_file(o) for o in glob.glob("bpmn/*.bpmn") if os.path.basename(o) != os.path.basename(path)]; p.add_dmn_files(glob.glob("dmn/*.dmn"))#' \
    "$shared/check.sh" > "$script"
grep -q make_parser "$script" || { echo "the shared check.sh changed; update tools/roundtrip.sh"; exit 1; }
exec bash "$script"
