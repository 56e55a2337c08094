# Thin wrapper: configure + ninja. See README.md.
BUILD ?= build
NINJA ?= ninja

.PHONY: all deps check run clean

all: $(BUILD)/build.ninja
	$(NINJA) -C $(BUILD)

$(BUILD)/build.ninja:
	./configure --builddir=$(BUILD)

deps:
	scripts/install-deps build

check:
	scripts/install-deps check
	$(MAKE) all
	scripts/run-tests --builddir=$(BUILD) --tier=all

run:
	scripts/install-deps run
	$(MAKE) all
	scripts/run-demo --builddir=$(BUILD)

clean:
	rm -rf $(BUILD)
