/*
 * A custom action DLL for conformance/msi_custom.c.  msi runs it in its custom
 * action server, a separate msiexec process, which reaches the installing
 * process over ncalrpc.
 *
 * Copyright 2026 the wine-lpc authors
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Lesser General Public
 * License as published by the Free Software Foundation; either
 * version 2.1 of the License, or (at your option) any later version.
 *
 * This library is distributed in the hope that it will be useful,
 * but WITHOUT ANY WARRANTY; without even the implied warranty of
 * MERCHANTABILITY or FITNESS FOR A PARTICULAR PURPOSE.  See the GNU
 * Lesser General Public License for more details.
 *
 * You should have received a copy of the GNU Lesser General Public
 * License along with this library; if not, write to the Free Software
 * Foundation, Inc., 51 Franklin St, Fifth Floor, Boston, MA 02110-1301, USA
 */

#include <stdarg.h>
#include <stdio.h>
#include "windef.h"
#include "winbase.h"
#include "msi.h"
#include "msiquery.h"

/* reads a property the test set, and answers with two of its own */
UINT WINAPI __declspec(dllexport) ca_entry( MSIHANDLE install )
{
    char value[32], pid[16];
    DWORD len = sizeof(value);

    if (MsiGetPropertyA( install, "CA_INPUT", value, &len ) || strcmp( value, "ping" ))
        return ERROR_INSTALL_FAILURE;
    sprintf( pid, "%lu", GetCurrentProcessId() );
    MsiSetPropertyA( install, "CA_PID", pid );
    return MsiSetPropertyA( install, "CA_RESULT", "pong" );
}
