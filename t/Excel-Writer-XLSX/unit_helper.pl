# Shared by the drop-in's Perl-side unit tests (t/Excel-Writer-XLSX/0N_*.t): a stand-in for the
# daemon that records what the drop-in sends, and a way to ask the native module (Debian's
# Excel::Writer::XLSX, outside the lockdown) what it would answer.
use strict;
use warnings;
use JSON::PP ();
use BridgeTest ();
use File::Temp ();

our (@LOG, %ANSWER);

{
    package FakeBridge;
    sub new { return bless {}, shift }
    # Like CPANBridge, whose calls never change the caller's $! (see its POD for call): an
    # answer that sets $! (a stand-in for socket I/O) does so only inside the call.
    sub call {
        local $!;
        my ($self, $module, $function, $params, $opt) = @_;
        push @main::LOG, [ $function, $params, $opt ? $opt->{attachment} : undef ];
        my $a = $main::ANSWER{$function};
        return $a ? $a->($params) : { success => 1, result => { handle => 'excel.workbook#1' } };
    }
    sub call_pipelined { my $self = shift; $self->call(@_); return 1 }
    sub sync { return undef }
}
$Excel::Writer::XLSX::BRIDGE = FakeBridge->new;

# The cell records of every `write` sent so far, as [sheet, row, col, type, format, value, extra].
sub sent_cells {
    my @cells;
    for my $c (grep { $_->[0] eq 'write' && defined $_->[2] } @LOG) {
        my @f = unpack('(w w w a w w/a* w/a*)*', $c->[2]);
        push @cells, [ splice @f, 0, 7 ] while @f;
    }
    return @cells;
}
sub sent_ops { return map { @{ $_->[1]{ops} || [] } } grep { $_->[0] eq 'write' } @LOG }

sub have_native {
    my ($st) = BridgeTest::run_cmd([$^X, '-MExcel::Writer::XLSX', '-e', '1'], env => { PERL5OPT => undef, PERL5LIB => undef });
    return $st == 0;
}

# Runs $code with the native module and returns what it prints (JSON), decoded. $input, if
# given, is JSON-encoded into the script's STDIN (read it with `input()`).
sub native {
    my ($code, $input) = @_;
    my %opt = (env => { PERL5OPT => undef, PERL5LIB => undef });
    my ($fh, $file);
    if (defined $input) {
        ($fh, $file) = File::Temp::tempfile('xlsx-unit-XXXXXX', TMPDIR => 1, UNLINK => 1);
        print {$fh} JSON::PP->new->utf8->encode($input);
        close $fh;
        $opt{stdin_file} = $file;
    }
    my $pre = 'sub input { JSON::PP->new->utf8->decode(do { local $/; <STDIN> }) } '
            . 'sub output { print JSON::PP->new->utf8->canonical->encode($_[0]) } ';
    my ($st, $out, $err) = BridgeTest::run_cmd(
        [$^X, '-MJSON::PP', '-MExcel::Writer::XLSX', '-MExcel::Writer::XLSX::Utility', '-e', $pre . $code],
        %opt);
    die "native run failed ($st): $err\n" if $st;
    return JSON::PP->new->utf8->allow_nonref->decode($out);
}

1;
