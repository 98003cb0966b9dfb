/* fuzz-target.h: the entry point every fuzz target defines
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * libFuzzer calls it; fuzz-main.c calls it too, over a corpus, so that every
 * input that ever crashed runs in the normal suite.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput (const uint8_t *data,
                            size_t         size);
