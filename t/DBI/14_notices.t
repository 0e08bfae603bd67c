#!/usr/bin/perl
# Differential: t/DBI/scripts/notices.pl natively (real DBI) and through the bridge, on SQLite and
# PostgreSQL; the server's NOTICE/WARNING/INFO messages must reach stderr as DBD::Pg warns them.
use strict;
use warnings;
use Test::More;
use BridgeTest;
use DBIDiff;

local $SIG{ALRM} = sub { die "test timed out\n" };
alarm 600;

start_daemon();
dbi_diff_drivers("$ROOT/t/DBI/scripts/notices.pl", expect => qr/kept: 2/);
done_testing;
