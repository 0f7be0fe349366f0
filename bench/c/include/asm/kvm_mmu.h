/* Stand-in for the kernel header: everything vmid.c needs is in kernelShims.h. */
#include "../kernelShims.h"
