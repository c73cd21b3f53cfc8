#ifndef CWHISPER_SHIM_H
#define CWHISPER_SHIM_H
#include <whisper.h>
#endif
