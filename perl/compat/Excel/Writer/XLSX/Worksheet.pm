package Excel::Writer::XLSX::Worksheet;

# Drop-in worksheet: every decision a script can observe (write()'s dispatch by the look of the
# value, A1 notation, return codes, croaks and carps) is taken here, as the native module takes
# it; what the sheet holds goes to the daemon as cell records and ops (docs/protocol.md,
# "Module `excel`"), buffered in the workbook's state and sent in batches.
#
# A worksheet holds the workbook's state hash, never the workbook itself: no reference cycle,
# so a workbook a script forgets to close is closed by its DESTROY as natively.

use strict;
use warnings;

use Excel::Writer::XLSX::Utility qw(xl_rowcol_to_cell xl_range quote_sheetname);

our $VERSION = '1.10';

use constant { ROWMAX => 1_048_576, COLMAX => 16_384, STRMAX => 32_767 };

# Flush the cell buffer at this many entries (7 per record) or bytes of string values.
use constant { FLUSH_ENTRIES => 7 * 5000, FLUSH_BYTES => 1 << 20 };

# write()'s test for a number, as native (note: '$' also accepts a trailing newline).
my $NUMBER = qr/^([+-]?)(?=[0-9]|\.[0-9])[0-9]*(\.[0-9]*)?([Ee]([+-]?[0-9]+))?$/;

my @DYNAMIC = qw(LET LAMBDA SINGLE SORTBY UNIQUE XMATCH XLOOKUP SEQUENCE RANDARRAY ANCHORARRAY);

sub _new {
    my ($class, $st, $name, $index) = @_;
    return bless {
        _st => $st, _buf => $st->{buf}, _name => $name, _index => $index,
        _date_1904 => $st->{date_1904} ? 1 : 0, _write_match => [], _leading_zeros => 0,
        _hlink_count => 0, _max_url_length => $st->{max_url_length},
    }, $class;
}

sub _croak { require Carp; Carp::croak(@_) }
sub _carp  { require Carp; Carp::carp(@_) }

sub _op {
    my ($self, $name, $args) = @_;
    push @{ $self->{_st}{ops} }, [ $self->{_index}, $name, $args || {} ];
    return;
}

sub _fid { return ref $_[0] && ref $_[0] ne 'HASH' && ref $_[0] ne 'ARRAY' ? $_[0]{_id} || 0 : 0 }

# The cell record; row and column already checked.
sub _cell {
    my ($self, $row, $col, $type, $fmt, $value, $extra) = @_;
    my $st = $self->{_st};
    if ($value =~ /[^\x00-\x7f]/) { utf8::encode($value); }
    if (defined $extra && $extra =~ /[^\x00-\x7f]/) { utf8::encode($extra); }
    my $buf = $self->{_buf};
    push @$buf, $self->{_index}, $row, $col, $type, _fid($fmt), $value, defined $extra ? $extra : '';
    $st->{bytes} += length($value) + (defined $extra ? length $extra : 0);
    Excel::Writer::XLSX::Workbook::_flush($st) if @$buf >= FLUSH_ENTRIES || $st->{bytes} >= FLUSH_BYTES;
    return;
}

# Rows and columns native accepts; negative ones, which native would store and write into a
# broken file, are refused here as out of range.
sub _bad_cell {
    my ($row, $col) = @_;
    return 1 if !defined $row || !defined $col;
    return $row >= ROWMAX || $col >= COLMAX || $row < 0 || $col < 0 ? 1 : 0;
}

# ------------------------------------------------------------------------------------------
# A1 notation

sub _cell_to_rowcol {
    my ($ref) = @_;
    my ($letters, $row) = $ref =~ /\$?([A-Z]{1,3})\$?(\d+)/;
    my $col = 0;
    $col = $col * 26 + ord($_) - 64 for split //, $letters;
    return ($row - 1, $col - 1);
}

# ('B3', @rest) -> (2, 1, @rest); 'A1:C4' -> four numbers; 'B:D' -> whole columns.
sub _substitute_cellref {
    my $self = shift;
    my $cell = uc shift;
    if ($cell =~ /\$?([A-Z]{1,3}):\$?([A-Z]{1,3})/) {
        my ($r1, $c1) = _cell_to_rowcol($1 . '1');
        my ($r2, $c2) = _cell_to_rowcol($2 . ROWMAX);
        return ($r1, $c1, $r2, $c2, @_);
    }
    if ($cell =~ /\$?([A-Z]{1,3}\$?\d+):\$?([A-Z]{1,3}\$?\d+)/) {
        return (_cell_to_rowcol($1), _cell_to_rowcol($2), @_);
    }
    if ($cell =~ /\$?([A-Z]{1,3}\$?\d+)/) {
        return (_cell_to_rowcol($1), @_);
    }
    _croak("Unknown cell reference $cell");
}

# ------------------------------------------------------------------------------------------
# Writing cells

sub add_write_handler {
    my $self = shift;
    return unless @_ == 2 && ref $_[1] eq 'CODE';
    $self->{_handlers} = 1;
    push @{ $self->{_write_match} }, [@_];
}

# Anything write() hands to write_url or write_formula, in one test.
my $SPECIAL = qr/^(?:[fh]tt?ps?:\/\/|mailto:|(?:in|ex)ternal:|=|\{=.*\}$)/;

sub write {
    my $self = shift;
    @_ = $self->_substitute_cellref(@_) if $_[0] =~ /^\D/;
    my $token = $_[2];
    $token = '' unless defined $token;

    if ($self->{_handlers}) {
        for my $h (@{ $self->{_write_match} }) {
            next unless $token =~ $h->[0];
            my $r = $h->[1]->($self, @_);
            return $r if defined $r;
        }
    }

    # The common cases, numbers and plain strings, are written here without further calls:
    # at 100k cells a method call or two per cell is most of the time.
    if (ref $token) {
        return $self->write_row(@_) if ref $token eq 'ARRAY';
    }
    elsif ($token =~ $NUMBER) {
        return $self->write_string(@_) if $self->{_leading_zeros} && $token =~ /^0\d+$/;
        my ($row, $col) = @_;
        return -2 if !defined $row || !defined $col || $row >= ROWMAX || $col >= COLMAX || $row < 0 || $col < 0;
        my $buf = $self->{_buf};
        push @$buf, $self->{_index}, $row, $col, 'n', (ref $_[3] ? _fid($_[3]) : 0), $token + 0, '';
        Excel::Writer::XLSX::Workbook::_flush($self->{_st}) if @$buf >= FLUSH_ENTRIES;
        return 0;
    }
    elsif ($token =~ $SPECIAL) {
        return substr($token, 0, 1) eq '=' || substr($token, 0, 1) eq '{'
            ? $self->write_formula(@_) : $self->write_url(@_);
    }
    elsif ($token eq '') {
        splice @_, 2, 1;
        return $self->write_blank(@_);
    }
    return $self->write_string(@_) if length $token > STRMAX;
    my ($row, $col) = @_;
    return -2 if !defined $row || !defined $col || $row >= ROWMAX || $col >= COLMAX || $row < 0 || $col < 0;
    my $st = $self->{_st};
    my $buf = $self->{_buf};
    $token = "$token";
    utf8::encode($token) if $token =~ /[^\x00-\x7f]/;
    push @$buf, $self->{_index}, $row, $col, 's', (ref $_[3] ? _fid($_[3]) : 0), $token, '';
    Excel::Writer::XLSX::Workbook::_flush($st)
        if @$buf >= FLUSH_ENTRIES || ($st->{bytes} += length $token) >= FLUSH_BYTES;
    return 0;
}

sub write_row {
    my $self = shift;
    @_ = $self->_substitute_cellref(@_) if $_[0] =~ /^\D/;
    _croak("Not an array ref in call to write_row()$!") if ref $_[2] ne 'ARRAY';
    my ($row, $col, $tokens, @opt) = @_;
    my $error = 0;
    for my $t (@$tokens) {
        my $r = ref $t eq 'ARRAY' ? $self->write_col($row, $col, $t, @opt) : $self->write($row, $col, $t, @opt);
        $error ||= $r;
        $col++;
    }
    return $error;
}

sub write_col {
    my $self = shift;
    @_ = $self->_substitute_cellref(@_) if $_[0] =~ /^\D/;
    _croak("Not an array ref in call to write_col()$!") if ref $_[2] ne 'ARRAY';
    my ($row, $col, $tokens, @opt) = @_;
    my $error = 0;
    for my $t (@$tokens) {
        my $r = $self->write($row, $col, $t, @opt);
        $error ||= $r;
        $row++;
    }
    return $error;
}

sub write_number {
    my $self = shift;
    @_ = $self->_substitute_cellref(@_) if $_[0] =~ /^\D/;
    return -1 if @_ < 3;
    return -2 if _bad_cell($_[0], $_[1]);
    $self->_cell($_[0], $_[1], 'n', $_[3], $_[2] + 0);
    return 0;
}

sub write_string {
    my $self = shift;
    @_ = $self->_substitute_cellref(@_) if $_[0] =~ /^\D/;
    return -1 if @_ < 3;
    my ($row, $col, $str, $fmt) = @_;
    return -4 unless defined $str;
    return -2 if _bad_cell($row, $col);
    my $error = 0;
    if (length $str > STRMAX) {
        $str = substr($str, 0, STRMAX);
        $error = -3;
    }
    $self->_cell($row, $col, 's', $fmt, "$str");
    return $error;
}

sub write_blank {
    my $self = shift;
    @_ = $self->_substitute_cellref(@_) if $_[0] =~ /^\D/;
    return -1 if @_ < 2;
    return 0 unless defined $_[2];    # a blank without a format is no cell at all
    return -2 if _bad_cell($_[0], $_[1]);
    $self->_cell($_[0], $_[1], 'b', $_[2], '');
    return 0;
}

sub write_boolean {
    my $self = shift;
    @_ = $self->_substitute_cellref(@_) if $_[0] =~ /^\D/;
    return -2 if _bad_cell($_[0], $_[1]);
    $self->_cell($_[0], $_[1], 'B', $_[3], $_[2] ? 1 : 0);
    return 0;
}

sub write_formula {
    my $self = shift;
    @_ = $self->_substitute_cellref(@_) if $_[0] =~ /^\D/;
    return -1 if @_ < 3;
    my ($row, $col, $formula, $fmt, $value) = @_;
    for my $f (@DYNAMIC, 'SORT', 'FILTER') {
        return $self->write_dynamic_array_formula($row, $col, $row, $col, $formula, $fmt, $value)
            if $formula =~ /\b$f\(/;
    }
    return $self->write_array_formula($row, $col, $row, $col, $formula, $fmt, $value)
        if $formula =~ /^{=.*}$/;
    return -2 if _bad_cell($row, $col);
    $formula =~ s/^=//;
    $self->_cell($row, $col, 'f', $fmt, $formula, defined $value ? $value : '');
    return 0;
}

sub _prepare_formula {
    my ($formula) = @_;
    return $formula unless $formula;
    $formula =~ s/^{(.*)}$/$1/;
    $formula =~ s/^=//;
    return $formula if $formula =~ /_xlfn\./;
    $formula =~ s/\b($_\()/_xlfn.$1/g for @DYNAMIC;
    $formula =~ s/\b(SORT\()/_xlfn._xlws.$1/g;
    $formula =~ s/\b(FILTER\()/_xlfn._xlws.$1/g;
    return $formula;
}

# Array and dynamic array formulas: the wire has no array-formula record (yet), so the
# formula goes as an ordinary one in the first cell, the rest of the range padded with zeros
# as natively.
sub _array_formula {
    my $self = shift;
    my @a = @_;
    if ($a[0] =~ /^\D/) {
        my @dims = $self->_substitute_cellref(shift @a);
        @a = (@dims == 2 ? (@dims, @dims) : @dims, @a);
    }
    return -1 if @a < 5;
    my ($r1, $c1, $r2, $c2, $formula, $fmt, $value) = @a;
    ($r1, $r2) = ($r2, $r1) if $r1 > $r2;
    return -2 if _bad_cell($r1, $c1) || _bad_cell($r2, $c2);
    $self->_cell($r1, $c1, 'f', $fmt, _prepare_formula($formula), defined $value ? $value : '');
    for my $r ($r1 .. $r2) {
        for my $c ($c1 .. $c2) {
            next if $r == $r1 && $c == $c1;
            $self->_cell($r, $c, 'n', $fmt, 0);
        }
    }
    return 0;
}
sub write_array_formula         { my $self = shift; return $self->_array_formula(@_) }
sub write_dynamic_array_formula { my $self = shift; return $self->_array_formula(@_) }

sub _escape_url {
    my ($url) = @_;
    return $url if $url =~ /%[0-9a-fA-F]{2}/;
    $url =~ s/%/%25/g;
    $url =~ s/[\s\x00]/%20/g;
    $url =~ s/(["<>[\]`^{}])/sprintf '%%%x', ord $1/eg;
    return $url;
}

sub write_url {
    my $self = shift;
    @_ = $self->_substitute_cellref(@_) if $_[0] =~ /^\D/;
    return -1 if @_ < 3;
    my ($row, $col, $url, $fmt, $str) = @_;
    ($fmt, $str) = ($str, $fmt) if defined $fmt && !ref $fmt;    # (url, string, format) too
    my $given = $url;
    $str = $url unless defined $str;
    my $local = 0;
    my $external = 0;
    if ($url =~ s/^internal://) { $str =~ s/^internal://; $local = 1 }
    if ($url =~ s/^external://) {
        $str =~ s/^external://;
        $url =~ s{/}{\\}g;
        $str =~ s{/}{\\}g;
        $external = 1;
    }
    $str =~ s/^mailto://;
    return -2 if _bad_cell($row, $col);
    my $error = 0;
    if (length $str > STRMAX) {
        $str = substr($str, 0, STRMAX);
        $error = -3;
    }
    # Excel's limit on the escaped link and anchor, checked as natively.
    my ($link, $anchor) = ($url, $str);
    if (!$local) {
        ($link, $anchor) = split /#/, $url, 2;
        $link = _escape_url($link);
        $anchor = _escape_url($anchor) if $anchor && !$external;
        $link = 'file:///' . $link if $link =~ /^\w:/ || $link =~ /^\\\\/;
        $link =~ s/^.\\//;
    }
    my $max = $self->{_max_url_length};
    if (length $link > $max || length($anchor || '') > $max) {
        _carp("Ignoring URL '$link' where link or anchor > $max characters since it exceeds "
              . "Excel's limit for URLS. See LIMITATIONS section of the Excel::Writer::XLSX documentation.");
        return -4;
    }
    if (++$self->{_hlink_count} > 65_530) {
        _carp("Ignoring URL '$link' since it exceeds Excel's limit of 65,530 URLs per worksheet. "
              . "See LIMITATIONS section of the Excel::Writer::XLSX documentation.");
        return -5;
    }
    $self->_cell($row, $col, 'u', $fmt, $given, $str);
    return $error;
}

sub write_date_time {
    my $self = shift;
    @_ = $self->_substitute_cellref(@_) if $_[0] =~ /^\D/;
    return -1 if @_ < 3;
    return -2 if _bad_cell($_[0], $_[1]);
    my $serial = $self->convert_date_time($_[2]);
    return $self->write_string(@_) unless defined $serial;
    $self->_cell($_[0], $_[1], 'n', $_[3], $serial);
    return 0;
}

# ISO 8601 'yyyy-mm-ddThh:mm:ss.sss' (either half may be missing) to Excel's serial date, in
# the epoch the workbook had when this sheet was added (as natively); undef if invalid.
sub convert_date_time {
    my ($self, $dt) = @_;
    $dt =~ s/^\s+//;
    $dt =~ s/\s+$//;
    return if $dt =~ /[^0-9T:\-\.Z]/ || $dt !~ /\dT|T\d/;
    $dt =~ s/Z$//;
    my ($date, $time) = split /T/, $dt;
    my $seconds = 0;
    if ($time ne '') {
        my ($h, $m, $s) = $time =~ /^(\d\d):(\d\d)(?::(\d\d(?:\.\d+)?))?/ or return undef;
        $s ||= 0;
        return if $h >= 24 || $m >= 60 || $s >= 60;
        $seconds = ($h * 3600 + $m * 60 + $s) / 86400;
    }
    return $seconds if $date eq '';
    my ($y, $mo, $d) = $date =~ /^(\d\d\d\d)-(\d\d)-(\d\d)$/ or return undef;
    my $e1904 = $self->{_date_1904};
    if (!$e1904) {
        return $seconds if $date eq '1899-12-31' || $date eq '1900-01-00';
        return 60 + $seconds if $date eq '1900-02-29';    # Excel's (Lotus's) leap day
    }
    my $epoch = $e1904 ? 1904 : 1900;
    my $leap = ($y % 4 == 0 && $y % 100) || $y % 400 == 0 ? 1 : 0;
    my @mdays = (31, 28 + $leap, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31);
    return if $y < $epoch || $y > 9999 || $mo < 1 || $mo > 12 || $d < 1 || $d > $mdays[$mo - 1];
    my $span = $y - $epoch;
    my $off = $e1904 ? 4 : 0;
    my $days = $d;
    $days += $mdays[$_] for 0 .. $mo - 2;
    $days += $span * 365 + int($span / 4) - int(($span + $off) / 100) + int(($span + $off + 300) / 400) - $leap;
    $days++ if !$e1904 && $days > 59;
    return $days + $seconds;
}

sub keep_leading_zeros {
    my ($self, $on) = @_;
    $self->{_leading_zeros} = defined $on ? $on : 1;
}

sub merge_range {
    my $self = shift;
    @_ = $self->_substitute_cellref(@_) if $_[0] =~ /^\D/;
    _croak('Incorrect number of arguments') if @_ < 6;
    _croak('Fifth parameter must be a format object') unless ref $_[5];
    my ($r1, $c1, $r2, $c2, $value, $fmt, @extra) = @_;
    _croak("Can't merge single cell") if $r1 == $r2 && $c1 == $c2;
    ($r1, $r2) = ($r2, $r1) if $r1 > $r2;
    ($c1, $c2) = ($c2, $c1) if $c1 > $c2;
    return -2 if _bad_cell($r1, $c1) || _bad_cell($r2, $c2);
    $self->_op(merge_range => { first_row => $r1, first_col => $c1, last_row => $r2, last_col => $c2,
                                format => _fid($fmt) });
    $self->write($r1, $c1, $value, $fmt, @extra);
    for my $r ($r1 .. $r2) {
        for my $c ($c1 .. $c2) {
            $self->write_blank($r, $c, $fmt) unless $r == $r1 && $c == $c1;
        }
    }
    return '';
}

my %MERGE_WRITER = (string => 'write_string', number => 'write_number', blank => 'write_blank',
                    date_time => 'write_date_time', url => 'write_url', formula => 'write_formula');

# merge_range with the value's type given rather than guessed. (Native's 'array_formula' branch
# calls a method it does not have, and 'rich_string' needs write_rich_string: both refused.)
sub merge_range_type {
    my $self = shift;
    my $type = shift;
    @_ = $self->_substitute_cellref(@_) if $_[0] =~ /^\D/;
    my ($r1, $c1, $r2, $c2, @rest) = @_;
    my $fmt = $type eq 'array_formula' || $type eq 'blank' || $type eq 'rich_string' ? $rest[-1] : $rest[1];
    _croak('Format object missing or in an incorrect position') unless ref $fmt;
    _croak("Can't merge single cell") if $r1 == $r2 && $c1 == $c2;
    ($r1, $r2) = ($r2, $r1) if $r1 > $r2;
    ($c1, $c2) = ($c2, $c1) if $c1 > $c2;
    return -2 if _bad_cell($r1, $c1) || _bad_cell($r2, $c2);
    my $writer = $MERGE_WRITER{$type};
    if (!$writer) {
        _croak("Excel::Writer::XLSX::Worksheet::merge_range_type('$type') not supported by CPAN Bridge")
            if $type eq 'rich_string' || $type eq 'array_formula';
        _croak("Unknown type '$type'");
    }
    $self->_op(merge_range => { first_row => $r1, first_col => $c1, last_row => $r2, last_col => $c2,
                                format => _fid($fmt) });
    $self->$writer($r1, $c1, @rest);
    for my $r ($r1 .. $r2) {
        for my $c ($c1 .. $c2) {
            $self->write_blank($r, $c, $fmt) unless $r == $r1 && $c == $c1;
        }
    }
    return '';
}

# ------------------------------------------------------------------------------------------
# Rows and columns

sub set_column {
    my $self = shift;
    my @d = @_;
    if ($d[0] =~ /^\D/) {
        @d = $self->_substitute_cellref(@_);
        shift @d;
        splice @d, 1, 1;
    }
    return if @d < 3;
    my ($first, $last, $width, $fmt, $hidden, $level) = @d;
    return if !defined $first || !defined $last;
    $last = $first if $last == 0;
    ($first, $last) = ($last, $first) if $first > $last;
    return -2 if $first < 0 || $first >= COLMAX || $last >= COLMAX;
    $level = 0 unless defined $level;
    $level = 0 if $level < 0;
    $level = 7 if $level > 7;
    my %a = (first => $first, last => $last);
    $width = 0 if !defined $width && $hidden;    # hidden without a width: zero wide, as natively
    $a{width} = 0 + $width if defined $width;
    $a{format} = _fid($fmt) if ref $fmt;
    $a{hidden} = 1 if $hidden;
    $a{level} = 0 + $level if $level;
    $self->_op(set_column => \%a);
    return '';    # what native's last statement (a loop) leaves
}

sub set_column_pixels {
    my $self = shift;
    my @d = @_;
    if ($d[0] =~ /^\D/) {
        @d = $self->_substitute_cellref(@_);
        shift @d;
        splice @d, 1, 1;
    }
    return if @d < 3;
    my ($first, $last, $px, @rest) = @d;
    # Excel's pixel-to-width rule for the default font (Calibri 11: 7 pixels a character).
    my $width = !$px ? undef : $px <= 12 ? $px / 12 : ($px - 5) / 7;
    return $self->set_column($first, $last, $width, @rest);
}

sub set_row {
    my ($self, $row, $height, $fmt, $hidden, $level, $collapsed) = @_;
    return unless defined $row;
    return -2 if _bad_cell($row, 0);
    $hidden ||= 0;
    $level ||= 0;
    if (defined $height && $height == 0) {
        $hidden = 1;
        undef $height;
    }
    $level = 0 if $level < 0;
    $level = 7 if $level > 7;
    my %a = (row => $row);
    $a{height} = 0 + $height if defined $height;
    $a{format} = _fid($fmt) if ref $fmt;
    $a{hidden} = 1 if $hidden;
    $a{level} = 0 + $level if $level;
    $self->_op(set_row => \%a);
    return [ defined $height ? $height : 15, $hidden ];    # native returns its [height, hidden]
}

sub set_row_pixels {
    my ($self, $row, $px, @rest) = @_;
    return $self->set_row($row, $px ? 0.75 * $px : $px, @rest);
}

# ------------------------------------------------------------------------------------------
# Panes, filters, view

sub freeze_panes {
    my $self = shift;
    return unless @_;
    @_ = $self->_substitute_cellref(@_) if $_[0] =~ /^\D/;
    my $row = shift;
    my $col = shift || 0;
    my $top = shift || $row;
    my $left = shift || $col;
    $self->_op(freeze_panes => { row => 0 + $row, col => 0 + $col, top_row => 0 + $top, left_col => 0 + $left });
    return;
}

sub split_panes {
    my $self = shift;
    return unless @_;
    my ($y, $x, $top, $left) = @_;
    my %a = (y => 0 + ($y || 0), x => 0 + ($x || 0));
    $a{top_row} = 0 + $top if $top;
    $a{left_col} = 0 + $left if $left;
    $self->_op(split_panes => \%a);
    return;
}
sub thaw_panes { goto &split_panes }

sub autofilter {
    my $self = shift;
    @_ = $self->_substitute_cellref(@_) if $_[0] =~ /^\D/;
    return if @_ != 4;
    my ($r1, $c1, $r2, $c2) = @_;
    ($r1, $r2) = ($r2, $r1) if $r2 < $r1;
    ($c1, $c2) = ($c2, $c1) if $c2 < $c1;
    $self->_op(autofilter => { first_row => $r1, first_col => $c1, last_row => $r2, last_col => $c2 });
    return;
}

sub set_selection {
    my $self = shift;
    return unless @_;
    @_ = $self->_substitute_cellref(@_) if $_[0] =~ /^\D/;
    my ($r1, $c1, $r2, $c2);
    if    (@_ == 2) { ($r1, $c1, $r2, $c2) = (@_, @_) }
    elsif (@_ == 4) { ($r1, $c1, $r2, $c2) = @_ }
    else            { return }
    # A1 is where the cursor is anyway: native keeps no such selection (nor replaces an earlier
    # one with it), and a split pane then has no active pane.
    return if $r1 == 0 && $c1 == 0 && $r2 == 0 && $c2 == 0;
    $self->_op(set_selection => { first_row => $r1, first_col => $c1, last_row => $r2, last_col => $c2 });
    return;
}

sub hide_gridlines {
    my ($self, $option) = @_;
    $self->_op(hide_gridlines => { option => defined $option ? 0 + $option : 1 });
    return;
}

sub set_zoom {
    my $self = shift;
    my $scale = $_[0] || 100;
    if ($scale < 10 || $scale > 400) {
        _carp("Zoom factor $scale outside range: 10 <= zoom <= 400");
        $scale = 100;
    }
    $self->_op(set_zoom => { scale => int $scale });
    return;
}

sub set_tab_color {
    my ($self, $color) = @_;
    my $c = Excel::Writer::XLSX::Format::_get_color($color);
    my $rgb = Excel::Writer::XLSX::Format::_rgb($c, $self->{_st}{palette});
    $self->_op(set_tab_color => { color => $rgb }) if defined $rgb;
    return;
}

sub get_name { return $_[0]{_name} }
sub activate { $_[0]->_op('activate'); return }
sub select   { $_[0]->_op('select'); return }
sub hide     { $_[0]->_op('hide'); return }

sub protect {
    my ($self, $password, $options) = @_;
    my %known = map { $_ => 1 } qw(sheet content objects scenarios format_cells format_columns
        format_rows insert_columns insert_rows insert_hyperlinks delete_columns delete_rows
        select_locked_cells sort autofilter pivot_tables select_unlocked_cells);
    my %opt;
    for my $k (keys %{ $options || {} }) {
        if ($known{$k}) { $opt{$k} = $options->{$k} ? 1 : 0 }
        else            { _carp("Unknown protection object: $k\n") }
    }
    my %a;
    $a{password} = "$password" if defined $password && $password ne '';
    $a{options} = \%opt if %opt;
    $self->_op(protect => \%a);
    return;
}

# ------------------------------------------------------------------------------------------
# Page setup

sub set_landscape { $_[0]->_op('set_landscape'); return }
sub set_portrait  { $_[0]->_op('set_portrait'); return }

sub set_paper {
    my ($self, $size) = @_;
    $self->_op(set_paper => { index => 0 + $size }) if $size;
    return;
}

sub _margins {
    my ($self, $value, @sides) = @_;
    my %default = (left => 0.7, right => 0.7, top => 0.75, bottom => 0.75);
    $self->_op(set_margins => { map { $_ => defined $value ? 0 + $value : $default{$_} } @sides });
    return;
}
sub set_margins       { $_[0]->_margins($_[1], qw(left right top bottom)) }
sub set_margins_LR    { $_[0]->_margins($_[1], qw(left right)) }
sub set_margins_TB    { $_[0]->_margins($_[1], qw(top bottom)) }
sub set_margin_left   { $_[0]->_margins($_[1], 'left') }
sub set_margin_right  { $_[0]->_margins($_[1], 'right') }
sub set_margin_top    { $_[0]->_margins($_[1], 'top') }
sub set_margin_bottom { $_[0]->_margins($_[1], 'bottom') }

sub repeat_rows {
    my ($self, $first, $last) = @_;
    $self->_op(repeat_rows => { first => 0 + $first, last => 0 + ($last || $first) });
    return;
}

sub repeat_columns {
    my $self = shift;
    if ($_[0] =~ /^\D/) {
        my @d = $self->_substitute_cellref(@_);
        @_ = ($d[1], $d[3]);
    }
    my ($first, $last) = @_;
    $self->_op(repeat_columns => { first => 0 + $first, last => 0 + ($last || $first) });
    return;
}

sub _header_footer {
    my ($self, $which, $text, $margin) = @_;
    $text = '' unless defined $text && length $text;
    $text =~ s/&\[Picture\]/&G/g;
    if (length $text > 255) {
        _carp(ucfirst($which) . " string cannot be longer than Excel's limit of 255 characters");
        return;
    }
    $self->_op("set_$which" => { text => $text, margin => 0 + ($margin || 0.3) });
    return;
}
sub set_header { my $self = shift; return $self->_header_footer('header', @_) }
sub set_footer { my $self = shift; return $self->_header_footer('footer', @_) }

sub fit_to_pages {
    my ($self, $w, $h) = @_;
    $self->_op(fit_to_pages => { width => defined $w ? 0 + $w : 1, height => defined $h ? 0 + $h : 1 });
    return;
}

# Print and view switches. Each returns what native's last statement leaves (scripts rarely
# look, but the tests compare). A switch turned off again is not sent: the daemon's flags only
# turn on, and off is their default.

sub print_area {
    my $self = shift;
    @_ = $self->_substitute_cellref(@_) if $_[0] =~ /^\D/;
    return if @_ != 4;
    my ($r1, $c1, $r2, $c2) = @_;
    return if $r1 == 0 && $c1 == 0 && $r2 == ROWMAX - 1 && $c2 == COLMAX - 1;    # the whole sheet is no area
    $self->_op(print_area => { first_row => 0 + $r1, first_col => 0 + $c1, last_row => 0 + $r2, last_col => 0 + $c2 });
    # Native returns the defined name's text: 'Sheet'!$A$1:$D$10, $A:$C, $1:$4.
    my ($from, $to, $only);
    if ($r1 == 0 && $r2 == ROWMAX - 1) {
        ($from, $to, $only) = ('$' . Excel::Writer::XLSX::Utility::xl_col_to_name($c1), '$' . Excel::Writer::XLSX::Utility::xl_col_to_name($c2), 1);
    }
    elsif ($c1 == 0 && $c2 == COLMAX - 1) {
        ($from, $to, $only) = ('$' . ($r1 + 1), '$' . ($r2 + 1), 1);
    }
    else {
        ($from, $to) = (xl_rowcol_to_cell($r1, $c1, 1, 1), xl_rowcol_to_cell($r2, $c2, 1, 1));
    }
    return quote_sheetname($self->{_name}) . '!' . ($from eq $to && !$only ? $from : "$from:$to");
}

sub set_print_scale {
    my ($self, $scale) = @_;
    $scale ||= 100;
    if ($scale < 10 || $scale > 400) {
        _carp("Print scale $scale outside range: 10 <= zoom <= 400");
        $scale = 100;
    }
    $self->_op(set_print_scale => { scale => int $scale });
    return 1;
}

sub center_horizontally   { $_[0]->_op('center_horizontally'); return 1 }
sub center_vertically     { $_[0]->_op('center_vertically'); return 1 }
sub print_black_and_white { $_[0]->_op('print_black_and_white'); return 1 }
sub hide_row_col_headers  { $_[0]->_op('hide_row_col_headers'); return 1 }

sub print_row_col_headers {
    my ($self, $on) = @_;
    $on = 1 unless defined $on;
    $self->_op(print_row_col_headers => { on => $on ? 1 : 0 });
    return $on ? 1 : 0;
}

sub print_across {
    my ($self, $on) = @_;
    $on = 1 unless defined $on;
    $self->_op('print_across') if $on;
    return $on ? 1 : 0;
}

sub set_start_page {
    my ($self, $start) = @_;
    return unless defined $start;
    $self->_op(set_start_page => { start => 0 + $start });
    return $start;
}

# Native adds to the list on each call; the op replaces the daemon's, so the whole list goes.
sub _breaks {
    my ($self, $which, @breaks) = @_;
    my $list = $self->{"_$which"} ||= [];
    push @$list, @breaks;
    $self->_op("set_${which}_pagebreaks" => { breaks => [ map { 0 + $_ } @$list ] });
    return scalar @$list;
}
sub set_h_pagebreaks { my $self = shift; return $self->_breaks('h', @_) }
sub set_v_pagebreaks { my $self = shift; return $self->_breaks('v', @_) }

sub set_default_row {
    my ($self, $height, $zero) = @_;
    $height ||= 15;
    my %a;
    $a{height} = 0 + $height if $height != 15;    # native keeps an earlier height on a 15
    $self->{_default_row_zeroed} = 1 if $zero;    # and, once zeroed, stays so
    $a{hidden} = 1 if $self->{_default_row_zeroed};
    $self->_op(set_default_row => \%a) if %a;
    return $zero ? 1 : 0;
}

# Outline symbols and summary positions; as native, undefined arguments take Excel's defaults and
# the call returns 1.
sub outline_settings {
    my ($self, $visible, $below, $right, $auto_style) = @_;
    $self->_op('outline_settings', {
        visible       => (defined $visible ? ($visible ? 1 : 0) : 1),
        symbols_below => (defined $below ? ($below ? 1 : 0) : 1),
        symbols_right => (defined $right ? ($right ? 1 : 0) : 1),
        auto_style    => ($auto_style ? 1 : 0),
    });
    return 1;
}

sub hide_zero {
    my ($self, $on) = @_;
    my $show = defined $on ? !$on : 0;    # native stores (and returns) "show zeros"
    $self->_op('hide_zero') unless $show;
    return $show;
}

sub right_to_left {
    my ($self, $on) = @_;
    $on = 1 unless defined $on;
    $self->_op('right_to_left') if $on;
    return $on;
}

sub set_page_view {
    my ($self, $on) = @_;
    $on = 1 unless defined $on;
    $self->_op('set_page_view') if $on;
    return $on;
}

sub set_first_sheet {
    my ($self) = @_;
    $self->_op('set_first_sheet');
    return $self->{_index};
}

# ------------------------------------------------------------------------------------------
# Validation, conditional formats, images

# Formats inside options travel as their ids.
sub _plain {
    my ($v) = @_;
    return _fid($v) if ref $v && ref $v ne 'HASH' && ref $v ne 'ARRAY' && $v->isa('Excel::Writer::XLSX::Format');
    return [ map { _plain($_) } @$v ] if ref $v eq 'ARRAY';
    return { map { $_ => _plain($v->{$_}) } keys %$v } if ref $v eq 'HASH';
    return $v;
}

my %DV_PARAM = map { $_ => 1 } qw(validate criteria value source minimum maximum ignore_blank
    dropdown show_input input_title input_message show_error error_title error_message error_type
    other_cells);
my %DV_TYPE = ('any' => 'none', 'any value' => 'none', 'whole number' => 'whole', whole => 'whole',
    integer => 'whole', decimal => 'decimal', list => 'list', date => 'date', time => 'time',
    'text length' => 'textLength', length => 'textLength', custom => 'custom');
my %DV_CRITERIA = map { $_ => 1 } ('between', 'not between', 'equal to', '=', '==', 'not equal to',
    '!=', '<>', 'greater than', '>', 'less than', '<', 'greater than or equal to', '>=',
    'less than or equal to', '<=');
my %DV_ERROR = map { $_ => 1 } qw(stop warning information);

# The native checks, with their return codes and warnings; the options go to the daemon as the
# script gave them.
sub data_validation {
    my $self = shift;
    @_ = $self->_substitute_cellref(@_) if $_[0] =~ /^\D/;
    return -1 if @_ != 5 && @_ != 3;
    my $opt = pop;
    my ($r1, $c1, $r2, $c2) = @_;
    ($r2, $c2) = ($r1, $c1) unless defined $r2;
    return -2 if !defined $r1 || !defined $c1 || $r1 >= ROWMAX || $c1 >= COLMAX || $r2 >= ROWMAX || $c2 >= COLMAX;
    if (ref $opt ne 'HASH') {
        _carp('Last parameter in data_validation() must be a hash ref');
        return -3;
    }
    my %p = %$opt;
    for my $k (keys %p) {
        next if $DV_PARAM{$k};
        _carp("Unknown parameter '$k' in data_validation()");
        return -3;
    }
    $p{value} = $p{source} if defined $p{source};
    $p{value} = $p{minimum} if defined $p{minimum};
    if (!exists $p{validate}) {
        _carp("Parameter 'validate' is required in data_validation()");
        return -3;
    }
    my $type = $DV_TYPE{ lc $p{validate} };
    if (!defined $type) {
        _carp("Unknown validation type '$p{validate}' for parameter 'validate' in data_validation()");
        return -3;
    }
    # 'any' without a prompt is no validation at all: natively nothing is stored.
    return 0 if $type eq 'none' && !defined $p{input_message} && !defined $p{input_title};
    if ($type eq 'none' || $type eq 'list' || $type eq 'custom') {
        $p{criteria} = 'between';
        $p{maximum} = undef;
    }
    if (!exists $p{criteria}) {
        _carp("Parameter 'criteria' is required in data_validation()");
        return -3;
    }
    my $crit = lc $p{criteria};
    if (!$DV_CRITERIA{$crit}) {
        _carp("Unknown criteria type '$p{criteria}' for parameter 'criteria' in data_validation()");
        return -3;
    }
    if (($crit eq 'between' || $crit eq 'not between') && !exists $p{maximum}) {
        _carp("Parameter 'maximum' is required in data_validation() when using 'between' or 'not between' criteria");
        return -3;
    }
    if (exists $p{error_type} && !$DV_ERROR{ lc $p{error_type} }) {
        _carp("Unknown criteria type '$p{error_type}' for parameter 'error_type' in data_validation()");
        return -3;
    }
    for ([input_title => 'input title', 32], [error_title => 'error title', 32],
         [input_message => 'input message', 255], [error_message => 'error message', 255]) {
        my ($k, $what, $max) = @$_;
        next unless $p{$k} && length $p{$k} > $max;
        _carp("Length of $what '$p{$k}' exceeds Excel's limit of $max");
        return -3;
    }
    if ($type eq 'list' && ref $p{value} eq 'ARRAY') {
        my $items = join ',', @{ $p{value} };
        if (length $items > 255) {
            _carp("Length of list items '$items' exceeds Excel's limit of 255, use a formula range instead");
            return -3;
        }
    }
    ($r1, $r2) = ($r2, $r1) if $r1 > $r2;
    ($c1, $c2) = ($c2, $c1) if $c1 > $c2;
    $self->_op(data_validation => { first_row => $r1, first_col => $c1, last_row => $r2,
                                    last_col => $c2, options => _plain($opt) });
    return ++$self->{_validations};    # native returns how many validations the sheet has
}

sub conditional_formatting {
    my $self = shift;
    my $user_range;
    if (defined $_[0] && $_[0] =~ /^\D/) {
        if ($_[0] =~ /,/) {    # a multiple range such as 'B3:K6,B8:K11' is its own key
            ($user_range = $_[0]) =~ s/^=//;
            $user_range =~ s/\s*,\s*/ /g;
            $user_range =~ s/\$//g;
        }
        @_ = $self->_substitute_cellref(@_);
    }
    my $opt = pop;
    my ($r1, $c1, $r2, $c2) = @_;
    ($r2, $c2) = ($r1, $c1) unless defined $r2;
    return -2 if !defined $r1 || $r1 >= ROWMAX || !defined $c1 || $c1 >= COLMAX;
    return -2 if !defined $r2 || $r2 >= ROWMAX || !defined $c2 || $c2 >= COLMAX;
    if (ref $opt ne 'HASH') {
        _carp('Last parameter in conditional_formatting() must be a hash ref');
        return -3;
    }
    if (!exists $opt->{type}) {
        _carp("Parameter 'type' is required in conditional_formatting()");
        return -3;
    }
    ($r1, $r2) = ($r2, $r1) if $r1 > $r2;
    ($c1, $c2) = ($c2, $c1) if $c1 > $c2;
    return -2 if $r1 < 0 || $c1 < 0;
    $self->_op(conditional_format => { first_row => $r1, first_col => $c1, last_row => $r2,
                                       last_col => $c2, options => _plain($opt) });
    # Native keeps the rules per range and returns how many that range now has.
    my $range = defined $user_range ? $user_range : xl_range($r1, $r2, $c1, $c2);
    return ++$self->{_cf_count}{$range};
}
sub conditional_format { goto &conditional_formatting }

sub insert_image {
    my $self = shift;
    @_ = $self->_substitute_cellref(@_) if $_[0] =~ /^\D/;
    return -1 if @_ < 3;
    my ($row, $col, $image, @rest) = @_;
    my %opt;
    if (ref $rest[0] eq 'HASH') { %opt = %{ $rest[0] } }
    else {
        @opt{qw(x_offset y_offset x_scale y_scale anchor)} = @rest;
        delete @opt{ grep { !defined $opt{$_} } keys %opt };
    }
    _croak("Insufficient arguments in insert_image()") unless defined $image;
    _croak("Couldn't locate $image: $!") unless -e $image;
    require File::Spec;
    $self->_op(insert_image => { row => $row, col => $col, filename => File::Spec->rel2abs($image),
                                 %opt ? (options => _plain(\%opt)) : () });
    return ++$self->{_images};    # native returns how many images the sheet has
}

# ------------------------------------------------------------------------------------------
# The rest of the native surface

# Page and view settings the bridge does not draw: accepted, said once, without effect.
my %WARNED;
for my $m (qw(show_comments
              set_comments_author set_top_left_cell ignore_errors set_background
              set_first_row_column set_vba_name)) {
    no strict 'refs';
    *{$m} = sub {
        _carp("Excel::Writer::XLSX::Worksheet::$m is not supported by CPAN Bridge; ignored")
            unless $WARNED{$m}++;
        return;
    };
}

# What would change the content: refused, so no report silently misses it.
for my $m (qw(write_comment write_rich_string insert_chart add_table add_sparkline
              insert_button insert_shape filter_column filter_column_list unprotect_range
              write_utf16be_string write_utf16le_string store_formula repeat_formula)) {
    no strict 'refs';
    *{$m} = sub { _croak("Excel::Writer::XLSX::Worksheet::$m not supported by CPAN Bridge") };
}

sub write_url_range { }

1;
