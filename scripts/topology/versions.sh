# Pinned versions for the production-topology run (sourced by the other scripts in this folder).
# The server is built from source with `go install`; its go.mod asks for Go 1.26.10, which the go
# command fetches through the module proxy when GOTOOLCHAIN names it.
TEMPORAL_SERVER_VERSION="v1.32.2"
TEMPORAL_GO_TOOLCHAIN="go1.26.10"
TOPOLOGY_CACHE="${CAMPUS_BRIDGE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/campus-bridge}"
