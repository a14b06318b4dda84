#!/bin/bash
# src/ keeps its layers: includes go down, never up or round (tests/layers.sh, HACKING.md).
exec bash "$(dirname "$0")/../layers.sh"
