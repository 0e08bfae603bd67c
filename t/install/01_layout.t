#!/usr/bin/perl
# scripts/install into a temporary PREFIX, then the installed pieces work together: the installed
# client (PREFIX/perl/lib) auto-starts the installed single file (PREFIX/bin/cpanbridge, found
# from CPANBridge.pm's own location) and the CLI talks to that daemon.
# Slow (a self-contained ReadyToRun publish): runs only with CPAN_BRIDGE_TEST_INSTALL=1, which
# scripts/test sets under CI.
use strict;
use warnings;
use Test::More;
use File::Temp qw(tempdir);
use Cwd qw(abs_path);
use FindBin;
use JSON::PP ();

plan skip_all => 'slow; set CPAN_BRIDGE_TEST_INSTALL=1 to run scripts/install into a temp prefix'
  unless $ENV{CPAN_BRIDGE_TEST_INSTALL};

my $root   = abs_path("$FindBin::Bin/../..");
my $prefix = tempdir('cb-install-XXXXXX', TMPDIR => 1, CLEANUP => 1);
my $run    = tempdir('cb-run-XXXXXX',     TMPDIR => 1, CLEANUP => 1);   # 0700, ours
my $sock   = "$run/bridge.sock";
my $bin    = "$prefix/bin/cpanbridge";

my $out = qx{"$root/scripts/install" "$prefix" 2>&1};
is $?, 0, 'scripts/install PREFIX exits 0' or do { diag $out; done_testing; exit };
note $out;

# --- layout ------------------------------------------------------------------------------------
ok -x $bin, 'bin/cpanbridge is executable';
ok !-e "$prefix/bin/cpanbridge.dll", 'single file: no cpanbridge.dll beside it';
ok !-e "$prefix/bin/libcoreclr.so", 'single file: the runtime is inside it';
ok -f "$prefix/bin/libe_sqlite3.so", 'SQLite\'s native library ships beside the single file';
ok -f "$prefix/perl/lib/CPANBridge.pm", 'perl/lib/CPANBridge.pm';
ok -d "$prefix/perl/compat", 'perl/compat';
ok -f "$prefix/share/cpanbridge/docs/$_", "share/cpanbridge/docs/$_"
  for qw(protocol.md configuration.md operations.md);
ok -f "$prefix/share/cpanbridge/deploy/$_", "share/cpanbridge/deploy/$_"
  for qw(cpanbridge.service cpanbridge-user.service);
like slurp("$prefix/share/cpanbridge/BUILD"), qr/^kind: self-contained /m, 'BUILD says self-contained';

# Nothing from the checkout may leak into the installed run. (Lockdown would put the checkout's
# perl/lib back in front of @INC, so the installed client runs without it.)
delete local $ENV{PERL5OPT};
local $ENV{PATH} = '/usr/sbin:/usr/bin:/sbin:/bin';
local $ENV{DOTNET_ROOT} = '/nonexistent';
delete local $ENV{CPAN_BRIDGE_BIN};
delete local $ENV{PERL5LIB};
local $ENV{CPAN_BRIDGE_SOCKET} = $sock;
delete local $ENV{CPAN_BRIDGE_MODE};
delete local $ENV{CPAN_BRIDGE_FALLBACK};

# --- process mode: the single file on its own ----------------------------------------------------
my $echo = qx{"$bin" call test echo '{"x":1}' 2>&1};
is $?, 0, 'cpanbridge call test echo exits 0' or diag $echo;
my $frame = eval { JSON::PP->new->decode((grep /\S/, split /\n/, $echo)[-1]) };
ok $frame && $frame->{success}, 'process mode answers success' or diag $echo;
is_deeply $frame && $frame->{result}, { x => 1 }, 'process mode echoes the params';

# --- the installed client auto-starts the installed daemon ---------------------------------------
my $client = <<'PERL';
use strict; use warnings; use CPANBridge;
my $b = CPANBridge->new(mode => 'daemon', socket => $ARGV[0]);
my $r = $b->call('test', 'ping', {});
print "client $INC{'CPANBridge.pm'}\n";
print $r->{success} ? "ok $r->{result}{pid} $r->{result}{message}\n" : "not ok $r->{code} $r->{error}\n";
# The embedded SQLite provider needs its native library (e_sqlite3) from the install.
$r = $b->call('database', 'connect', { dsn => "dbi:SQLite:dbname=$ARGV[1]" });
print $r->{success} ? "sqlite connected $r->{result}{server_version}\n" : "not ok connect $r->{code} $r->{error}\n";
$b->call('database', 'execute_statement', { sql => $_ })
  for 'create table jobs(id integer primary key, name text)', "insert into jobs(name) values('nightly')";
$r = $b->call('database', 'execute_statement', { sql => 'select id, name from jobs where name = ?', params => ['nightly'] });
print $r->{success} ? "sqlite query @{$r->{result}{columns}}\n" : "not ok query $r->{code} $r->{error}\n";
while (1) {
  $r = $b->call('database', 'fetch_row', {});
  last unless $r->{success};
  print "sqlite row $r->{result}{id} $r->{result}{name}\n";
}
print "sqlite end $r->{code}\n";
PERL
open my $fh, '>', "$run/client.pl" or die $!;
print $fh $client;
close $fh;
my $got = qx{"$^X" -I"$prefix/perl/lib" "$run/client.pl" "$sock" "$run/jobs.db" 2>&1};
like $got, qr/^client \Q$prefix\E\/perl\/lib\/CPANBridge\.pm$/m, 'the installed CPANBridge.pm was loaded' or diag $got;
like $got, qr/^ok \d+ pong$/m, 'installed client: test.ping through an auto-started daemon' or diag $got;
like $got, qr/^sqlite connected 3\.\d+/m, 'installed daemon: database.connect opens a SQLite file' or diag $got;
like $got, qr/^sqlite query id name$/m, 'installed daemon: database.execute_statement' or diag $got;
like $got, qr/^sqlite row 1 nightly$/m, 'installed daemon: database.fetch_row returns the row' or diag $got;
like $got, qr/^sqlite end E_NO_DATA$/m, 'installed daemon: fetch_row ends with E_NO_DATA' or diag $got;
ok -s "$run/jobs.db", 'the SQLite file was written';
my ($pid) = $got =~ /^ok (\d+)/m;
SKIP: {
  skip 'no daemon pid', 4 unless $pid;
  is readlink("/proc/$pid/exe"), $bin, 'the daemon is the installed bin/cpanbridge';

  my $ping = qx{"$bin" ping 2>&1};
  is $?, 0, 'cpanbridge ping (CLI) exits 0 against it' or diag $ping;

  my $stop = qx{"$bin" stop 2>&1};
  is $?, 0, 'cpanbridge stop exits 0' or diag $stop;
  my $gone = 0;
  for (1 .. 100) { if (!-e "/proc/$pid" || zombie($pid)) { $gone = 1; last } select undef, undef, undef, 0.1 }
  ok $gone, 'the daemon exited';
}

done_testing;

END {   # never leave a daemon behind, whatever failed
  if ($pid && -e "/proc/$pid" && !zombie($pid)) { kill 'TERM', $pid }
}

sub slurp { my ($f) = @_; open my $fh, '<', $f or return ''; local $/; <$fh> }
sub zombie { my ($p) = @_; my $s = slurp("/proc/$p/stat"); $s =~ /^\d+ \(.*\) ([A-Z])/s && $1 eq 'Z' }
