package Excel::Writer::XLSX::Workbook;

# Drop-in workbook. new() opens the workbook in the daemon (the one round trip before close,
# so a bad path gives undef as natively); sheets, formats and cells are buffered in the state
# hash below and sent as pipelined `write` batches; close() sends the formats' final
# properties and waits for the file. docs/protocol.md, "Module `excel`", is the contract.

use strict;
use warnings;

use Carp ();
use Errno ();
use File::Spec ();
use Scalar::Util ();
use CPANBridge;
use Excel::Writer::XLSX::Format;
use Excel::Writer::XLSX::Worksheet;

our $VERSION = '1.10';

my %OPEN;    # state hashes of workbooks not yet closed (weak), for END

sub _bridge {
    no warnings q(once);
    return $Excel::Writer::XLSX::BRIDGE ||= CPANBridge->new;
}

sub new {
    my $class = shift;
    my ($filename, $options) = @_;
    $filename = '' unless defined $filename;
    $options ||= {};
    if (!ref $filename && $filename eq '') {
        Carp::carp('Filename required by Excel::Writer::XLSX->new()');
        return undef;
    }
    if (ref $filename || $filename eq '-') {
        Carp::croak('Excel::Writer::XLSX->new(): writing to a filehandle or to STDOUT is not '
                    . 'supported by CPAN Bridge; give a file name');
    }
    my $path = File::Spec->rel2abs($filename);
    my %params = (filename => $path);
    my %opt = map { $_ => $options->{$_} } grep { !ref $options->{$_} } keys %$options;
    $params{options} = \%opt if %opt;
    my $r = _bridge()->call('excel', 'workbook_open', \%params);    # leaves $! alone
    if (!$r->{success}) {
        if (($r->{code} || '') eq 'E_NATIVE') {
            # As IO::File->new failing inside the native new: undef, with $! saying why.
            $! = $r->{data}{errno} if $r->{data} && $r->{data}{errno};
            return undef;
        }
        Carp::croak("Excel::Writer::XLSX->new('$filename'): $r->{error}");
    }
    my $max_url = $options->{max_url_length};
    $max_url = 2079 if !$max_url || $max_url < 255;
    my $st = {
        handle => $r->{result}{handle}, filename => $filename, pid => $$,
        buf => [], bytes => 0, ops => [], closed => 0,
        palette => [ map { [@$_] } @Excel::Writer::XLSX::Format::PALETTE ],
        date_1904 => $options->{date_1904} ? 1 : 0, max_url_length => $max_url,
    };
    my $self = bless {
        _st => $st, _filename => $filename, _worksheets => [], _sheetnames => {}, _formats => [],
        _sheetname_count => 0, _date_1904 => $st->{date_1904}, _fileclosed => 0,
        _default_format_properties => $options->{default_format_properties} || {},
    }, $class;
    $st->{owner} = $self;
    Scalar::Util::weaken($st->{owner});
    $OPEN{ Scalar::Util::refaddr($st) } = $st;
    Scalar::Util::weaken($OPEN{ Scalar::Util::refaddr($st) });
    # Native opens the file here, and PerlIO's isatty probe leaves ENOTTY in $!, which scripts
    # then see (write_row's croak even prints it).
    $! = Errno::ENOTTY();
    return $self;
}

# Sends what the buffer holds as one pipelined `write`; its failure, if any, comes back at
# close. After close nothing is sent (native ignores writes after close).
sub _flush {
    my ($st) = @_;
    my $buf = $st->{buf};
    if ($st->{closed}) {
        @$buf = ();
        @{ $st->{ops} } = ();
        return;
    }
    return unless @$buf || @{ $st->{ops} };
    my %params = (handle => $st->{handle});
    $params{ops} = $st->{ops} if @{ $st->{ops} };
    my $att;
    if (@$buf) {
        $params{cells} = @$buf / 7;
        $att = pack('(w w w a w w/a* w/a*)*', @$buf);
    }
    $st->{ops} = [];
    @$buf = ();    # the sheets share this array: emptied, not replaced
    $st->{bytes} = 0;
    _bridge()->call_pipelined('excel', 'write', \%params, defined $att ? { attachment => $att } : ());
    return;
}

sub _check_sheetname {
    my ($self, $name) = @_;
    $name ||= '';
    $self->{_sheetname_count}++;
    $name = 'Sheet' . $self->{_sheetname_count} if $name eq '';
    Carp::croak("Sheetname $name must be <= 31 chars") if length $name > 31;
    Carp::croak('Invalid character []:*?/\\ in worksheet name: ' . $name) if $name =~ m{[\[\]:*?/\\]};
    Carp::croak("Worksheet name $name cannot start or end with an apostrophe") if $name =~ /^'/ || $name =~ /'$/;
    for my $ws (@{ $self->{_worksheets} }) {
        Carp::croak("Worksheet name '$name', with case ignored, is already used.")
            if lc $name eq lc $ws->{_name};
    }
    return $name;
}

sub add_worksheet {
    my $self = shift;
    my $name = $self->_check_sheetname($_[0]);
    my $index = @{ $self->{_worksheets} };
    my $st = $self->{_st};
    $st->{date_1904} = $self->{_date_1904};
    my $ws = Excel::Writer::XLSX::Worksheet->_new($st, $name, $index);
    push @{ $st->{ops} }, [ -1, 'add_worksheet', { name => $name } ];
    $self->{_worksheets}[$index] = $ws;
    $self->{_sheetnames}{$name} = $ws;
    return $ws;
}

sub add_format {
    my $self = shift;
    my $id = @{ $self->{_formats} } + 1;
    my $f = Excel::Writer::XLSX::Format->new($id, %{ $self->{_default_format_properties} }, @_);
    push @{ $self->{_formats} }, $f;
    return $f;
}

sub sheets {
    my $self = shift;
    return @_ ? @{ $self->{_worksheets} }[@_] : @{ $self->{_worksheets} };
}

sub worksheets { return $_[0]{_worksheets} }

sub get_worksheet_by_name {
    my ($self, $name) = @_;
    return undef unless defined $name;
    return $self->{_sheetnames}{$name};
}

sub set_1904 {
    my ($self, $on) = @_;
    $self->{_date_1904} = defined $on ? $on : 1;
    push @{ $self->{_st}{ops} }, [ -1, 'set_1904', {} ] if $self->{_date_1904};
    return;
}

sub get_1904 { return $_[0]{_date_1904} }

sub set_properties {
    my $self = shift;
    my %p = @_;
    return -1 unless @_;
    my %valid = map { $_ => 1 } qw(title subject author keywords comments last_author created
                                   category manager company status hyperlink_base);
    for my $k (keys %p) {
        next if $valid{$k};
        Carp::carp("Unknown parameter '$k' in set_properties()");
        return -1;
    }
    my %send = map { $_ => "$p{$_}" }
               grep { defined $p{$_} && $_ ne 'created' && $_ ne 'last_author' } keys %p;
    push @{ $self->{_st}{ops} }, [ -1, 'set_properties', \%send ];
    return;
}

sub define_name {
    my ($self, $full, $formula) = @_;
    $formula =~ s/^=//;
    my $name = $full;
    if ($full =~ /^(.*)!(.*)$/) {
        my $sheet = $1;
        $name = $2;
        (my $bare = $sheet) =~ s/^'//;
        $bare =~ s/'$//;
        $bare =~ s/''/'/g;
        if (!grep { $_->{_name} eq $bare } @{ $self->{_worksheets} }) {
            Carp::carp("Unknown sheet name $sheet in defined_name()");
            return -1;
        }
    }
    if ($name !~ /^[\w\\][\w\\.]*$/ || $name =~ /^\d/) {
        Carp::carp("Invalid character in name '$name' used in defined_name()");
        return -1;
    }
    if ($name =~ /^[a-zA-Z][a-zA-Z]?[a-dA-D]?[0-9]+$/) {
        Carp::carp("Invalid name '$name' looks like a cell name in defined_name()");
        return -1;
    }
    if ($name =~ /^[rcRC]$/ || $name =~ /^[rcRC]\d+[rcRC]\d+$/) {
        Carp::carp("Invalid name '$name' like a RC cell ref in defined_name()");
        return -1;
    }
    push @{ $self->{_st}{ops} }, [ -1, 'define_name', { name => $full, formula => $formula } ];
    return ++$self->{_defined_names};    # native returns how many names are defined
}

sub set_custom_color {
    my $self = shift;
    @_ = ($_[0], hex $1, hex $2, hex $3) if defined $_[1] && $_[1] =~ /^#(\w\w)(\w\w)(\w\w)/;
    my ($index, $r, $g, $b) = map { $_ || 0 } @_[0 .. 3];
    if ($index < 8 || $index > 64) {
        Carp::carp("Color index $index outside range: 8 <= index <= 64");
        return 0;
    }
    if (grep { $_ < 0 || $_ > 255 } $r, $g, $b) {
        Carp::carp('Color component outside range: 0 <= color <= 255');
        return 0;
    }
    $self->{_st}{palette}[ $index - 8 ] = [ $r, $g, $b ];
    return $index;
}

sub get_default_url_format {
    my $self = shift;
    return $self->{_url_format} ||= Excel::Writer::XLSX::Format->new(0, hyperlink => 1);
}

sub close {
    my ($self) = @_;
    my $st = $self->{_st};
    return if $st->{closed};
    return if $st->{pid} != $$;    # a forked child's copy: the parent writes the file
    $self->{_fileclosed} = 1;
    _flush($st);
    $st->{closed} = 1;
    delete $OPEN{ Scalar::Util::refaddr($st) };
    my %formats = map { $_->{_id} => $_->_wire($st->{palette}) } @{ $self->{_formats} };
    my $r = _bridge()->call('excel', 'close', { handle => $st->{handle}, formats => \%formats });
    return 1 if $r->{success};
    my $err = $r->{error};
    if (($r->{code} || '') eq 'E_PIPELINED' && $r->{data}) {
        $err = $r->{data}{error} if defined $r->{data}{error};
    }
    Carp::croak("Excel::Writer::XLSX: could not write '$self->{_filename}': $err");
}

sub DESTROY {
    my $self = shift;
    local ($@, $!, $^E, $?);
    return if !$self->{_st} || $self->{_st}{closed};
    eval { $self->close; 1 } or warn $@;
}

# A workbook still open when the script ends is written now, while the bridge connection still
# exists (our END runs before CPANBridge's, which is compiled first); by global destruction it
# may be gone.
END {
    for my $st (grep { defined } values %OPEN) {
        next if $st->{closed} || $st->{pid} != $$;
        my $wb = $st->{owner} or next;
        local ($@, $!, $?);
        eval { $wb->close; 1 } or warn $@;
    }
}

# The rest of the native surface.
for my $m (qw(set_size set_tab_ratio set_calc_mode read_only_recommended)) {
    no strict 'refs';
    my $said;
    *{$m} = sub {
        Carp::carp("Excel::Writer::XLSX::Workbook::$m is not supported by CPAN Bridge; ignored") unless $said++;
        return;
    };
}
sub set_optimization   { return }    # memory is the daemon's business here
sub set_tempdir        { return }
sub compatibility_mode { return }
sub set_codepage       { return }
sub set_color_palette  { $_[0]{_st}{palette} = [ map { [@$_] } @Excel::Writer::XLSX::Format::PALETTE ]; return }
for my $m (qw(add_chart add_shape add_vba_project set_custom_property)) {
    no strict 'refs';
    *{$m} = sub { Carp::croak("Excel::Writer::XLSX::Workbook::$m not supported by CPAN Bridge") };
}

1;
