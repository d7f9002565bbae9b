/*
 * An MSI custom action in a DLL: msi runs it in its custom action server, a
 * separate process that calls back into the installing one over ncalrpc.
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
#include <stdlib.h>
#include "windef.h"
#include "winbase.h"
#include "objidl.h"
#include "propidl.h"
#include "msi.h"
#include "msiquery.h"
#include "msidefs.h"
#include "wine/test.h"

static void run_query( MSIHANDLE db, MSIHANDLE rec, const char *query )
{
    MSIHANDLE view;
    UINT r;

    r = MsiDatabaseOpenViewA( db, query, &view );
    ok( r == ERROR_SUCCESS, "%s: %u\n", query, r );
    if (r) return;
    r = MsiViewExecute( view, rec );
    ok( r == ERROR_SUCCESS, "%s: execute %u\n", query, r );
    MsiViewClose( view );
    MsiCloseHandle( view );
}

static void create_package( const char *path, const char *dll )
{
    MSIHANDLE db, summary, rec;
    UINT r;

    DeleteFileA( path );
    r = MsiOpenDatabaseA( path, MSIDBOPEN_CREATE, &db );
    ok( r == ERROR_SUCCESS, "MsiOpenDatabase: %u\n", r );
    if (r) return;

    r = MsiGetSummaryInformationA( db, NULL, 5, &summary );
    ok( r == ERROR_SUCCESS, "MsiGetSummaryInformation: %u\n", r );
    MsiSummaryInfoSetPropertyA( summary, PID_TEMPLATE, VT_LPSTR, 0, NULL, "x64;1033" );
    MsiSummaryInfoSetPropertyA( summary, PID_REVNUMBER, VT_LPSTR, 0, NULL,
                                "{5c2f8a6e-4a41-4c7d-9b0e-2d3f7a1c9e55}" );
    MsiSummaryInfoSetPropertyA( summary, PID_PAGECOUNT, VT_I4, 200, NULL, NULL );
    MsiSummaryInfoSetPropertyA( summary, PID_WORDCOUNT, VT_I4, 2, NULL, NULL );
    MsiSummaryInfoPersist( summary );
    MsiCloseHandle( summary );

    run_query( db, 0, "CREATE TABLE `Property` (`Property` CHAR(72) NOT NULL, `Value` CHAR(0) "
               "PRIMARY KEY `Property`)" );
    run_query( db, 0, "INSERT INTO `Property` (`Property`, `Value`) VALUES "
               "('ProductCode', '{2e7c6f1a-8d54-4b3e-a1f9-6c0d2b8e4a73}')" );
    run_query( db, 0, "INSERT INTO `Property` (`Property`, `Value`) VALUES ('CA_INPUT', 'ping')" );
    run_query( db, 0, "CREATE TABLE `Binary` (`Name` CHAR(72) NOT NULL, `Data` OBJECT NOT NULL "
               "PRIMARY KEY `Name`)" );
    rec = MsiCreateRecord( 2 );
    MsiRecordSetStringA( rec, 1, "ca_dll" );
    r = MsiRecordSetStreamA( rec, 2, dll );
    ok( r == ERROR_SUCCESS, "MsiRecordSetStream(%s): %u\n", dll, r );
    run_query( db, rec, "INSERT INTO `Binary` (`Name`, `Data`) VALUES (?, ?)" );
    MsiCloseHandle( rec );
    run_query( db, 0, "CREATE TABLE `CustomAction` (`Action` CHAR(72) NOT NULL, `Type` SHORT NOT NULL, "
               "`Source` CHAR(72), `Target` CHAR(255) PRIMARY KEY `Action`)" );
    /* type 1: a function of a DLL stored in the Binary table */
    run_query( db, 0, "INSERT INTO `CustomAction` (`Action`, `Type`, `Source`, `Target`) VALUES "
               "('TestCA', 1, 'ca_dll', 'ca_entry')" );
    r = MsiDatabaseCommit( db );
    ok( r == ERROR_SUCCESS, "MsiDatabaseCommit: %u\n", r );
    MsiCloseHandle( db );
}

START_TEST(msi_custom)
{
    char dir[MAX_PATH], path[MAX_PATH], dll[MAX_PATH], value[32], *p;
    DWORD len;
    MSIHANDLE package;
    UINT r;

    GetModuleFileNameA( NULL, dll, sizeof(dll) );
    if ((p = strrchr( dll, '\\' ))) strcpy( p + 1, "msi_ca.dll" );
    GetTempPathA( sizeof(dir), dir );
    snprintf( path, sizeof(path), "%swine_lpc_custom_%lx.msi", dir, GetCurrentProcessId() );
    create_package( path, dll );

    MsiSetInternalUI( INSTALLUILEVEL_NONE, NULL );
    r = MsiOpenPackageA( path, &package );
    ok( r == ERROR_SUCCESS, "MsiOpenPackage: %u\n", r );
    if (r) goto done;

    r = MsiDoActionA( package, "TestCA" );
    ok( r == ERROR_SUCCESS, "MsiDoAction(TestCA): %u\n", r );
    len = sizeof(value);
    r = MsiGetPropertyA( package, "CA_RESULT", value, &len );
    ok( r == ERROR_SUCCESS && !strcmp( value, "pong" ), "CA_RESULT %u %s\n", r, value );
    len = sizeof(value);
    r = MsiGetPropertyA( package, "CA_PID", value, &len );
    ok( r == ERROR_SUCCESS && atoi( value ) && (DWORD)atoi( value ) != GetCurrentProcessId(),
        "the custom action ran in process %s, this is %lu\n", value, GetCurrentProcessId() );
    MsiCloseHandle( package );
done:
    DeleteFileA( path );
}
