#!/usr/bin/perl
# Differential: t/DBI/scripts/died.pl natively (real DBI) and through the bridge, on SQLite and
# PostgreSQL; stdout, stderr, exit status and the database left behind must agree.
use strict;
use warnings;
use Test::More;
use BridgeTest;
use DBIDiff;

local $SIG{ALRM} = sub { die "test timed out\n" };
alarm 600;

start_daemon();
dbi_diff_drivers("$ROOT/t/DBI/scripts/died.pl", expect => qr/\Qinserted, now failing\E/);
done_testing;
