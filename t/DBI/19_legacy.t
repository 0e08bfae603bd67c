#!/usr/bin/perl
# Differential: t/DBI/scripts/legacy.pl (the production scripts' shapes) natively (real DBI) and
# through the bridge, on SQLite and PostgreSQL; stdout, stderr, exit status and database agree.
use strict;
use warnings;
use Test::More;
use BridgeTest;
use DBIDiff;

local $SIG{ALRM} = sub { die "test timed out\n" };
alarm 600;

start_daemon();
dbi_diff_drivers("$ROOT/t/DBI/scripts/legacy.pl", expect => qr/^same cached handle: yes$/m);
done_testing;
