package Excel::Writer::XLSX::Format;

# Drop-in format object: the same properties, set_* methods and colour rules as the native
# Excel::Writer::XLSX::Format, kept in the same fields (so a test can compare the two objects).
# Nothing here talks to the daemon: a format travels as its final properties with the
# workbook's close (docs/protocol.md, "Module `excel`", Formats).

use strict;
use warnings;

our $VERSION = '1.10';
our $AUTOLOAD;

# The native defaults; also what _wire() leaves out.
my %DEFAULTS = (
    _num_format => 'General', _num_format_index => 0, _font_index => 0, _has_font => 0,
    _has_dxf_font => 0, _font => 'Calibri', _size => 11, _bold => 0, _italic => 0, _color => 0,
    _underline => 0, _font_strikeout => 0, _font_outline => 0, _font_shadow => 0,
    _font_script => 0, _font_family => 2, _font_charset => 0, _font_scheme => 'minor',
    _font_condense => 0, _font_extend => 0, _theme => 0, _hyperlink => 0, _xf_id => 0,
    _hidden => 0, _locked => 1, _text_h_align => 0, _text_wrap => 0, _text_v_align => 0,
    _text_justlast => 0, _rotation => 0, _fg_color => 0, _bg_color => 0, _pattern => 0,
    _has_fill => 0, _has_dxf_fill => 0, _fill_index => 0, _fill_count => 0, _border_index => 0,
    _has_border => 0, _has_dxf_border => 0, _border_count => 0, _bottom => 0, _bottom_color => 0,
    _diag_border => 0, _diag_color => 0, _diag_type => 0, _left => 0, _left_color => 0,
    _right => 0, _right_color => 0, _top => 0, _top_color => 0, _indent => 0, _shrink => 0,
    _merge_range => 0, _reading_order => 0, _just_distrib => 0, _color_indexed => 0,
    _font_only => 0,
);

# Excel's named colours, as palette indices.
my %NAMED = (
    aqua => 15, cyan => 15, black => 8, blue => 12, brown => 16, magenta => 14, fuchsia => 14,
    gray => 23, grey => 23, green => 17, lime => 11, navy => 18, orange => 53, pink => 33,
    purple => 20, red => 10, silver => 22, white => 9, yellow => 13,
);

# Excel's default palette, indices 8 .. 63.
our @PALETTE = map { [ map { hex } /(..)(..)(..)/ ] } qw(
    000000 FFFFFF FF0000 00FF00 0000FF FFFF00 FF00FF 00FFFF 800000 008000 000080 808000 800080
    008080 C0C0C0 808080 9999FF 993366 FFFFCC CCFFFF 660066 FF8080 0066CC CCCCFF 000080 FF00FF
    FFFF00 00FFFF 800080 800000 008080 0000FF 00CCFF CCFFFF CCFFCC FFFF99 99CCFF FF99CC CC99FF
    FFCC99 3366FF 33CCCC 99CC00 FFCC00 FF9900 FF6600 666699 969696 003366 339966 003300 333300
    993300 993366 333399 333333);

my @H_ALIGN = (undef, qw(left center right fill justify center_across distributed));
my @V_ALIGN = (undef, qw(top vcenter bottom vjustify vdistributed));

# Built by the workbook's add_format; $id numbers the format on the wire.
sub new {
    my $class = shift;
    my $id = @_ % 2 ? shift : 0;
    my $self = bless { %DEFAULTS, _xf_index => undef, _dxf_index => undef, _id => $id }, $class;
    $self->set_format_properties(@_) if @_;
    return $self;
}

# A colour as native keeps it: '#RRGGBB' as given, else a palette index (0 = none).
sub _get_color {
    my ($c) = @_;
    return 0 unless defined $c;
    return $c if $c =~ /^#[0-9A-F]{6}$/i;
    my $named = $NAMED{ lc $c };
    return $named if defined $named;
    return 0 if $c =~ /\D/;
    return $c + 8 if $c < 8;
    return 0 if $c > 63;
    return $c;
}

# '#RRGGBB' for the wire, through the workbook's palette (set_custom_color may change it).
sub _rgb {
    my ($c, $palette) = @_;
    return undef if !defined $c || $c eq '0';
    return '#' . uc(substr($c, 1)) if $c =~ /^#/;
    my $rgb = ($palette || \@PALETTE)->[ $c - 8 ] or return undef;
    return sprintf('#%02X%02X%02X', @$rgb[0 .. 2]);
}

sub copy {
    my ($self, $other) = @_;
    return unless defined $other && ref($self) eq ref($other);
    my %keep = map { $_ => $self->{$_} } qw(_xf_index _dxf_index _id);
    %$self = (%$other, %keep);
    return;
}

sub set_type {
    my $self = shift;
    $self->{_type} = defined $_[0] && $_[0] eq 0 ? 0 : 0xFFF5;
}

my %ALIGN = (
    left => [h => 1], centre => [h => 2], center => [h => 2], right => [h => 3],
    fill => [h => 4], justify => [h => 5], center_across => [h => 6], centre_across => [h => 6],
    merge => [h => 6], distributed => [h => 7], equal_space => [h => 7],
    justify_distributed => [h => 7], top => [v => 1], vcentre => [v => 2], vcenter => [v => 2],
    bottom => [v => 3], vjustify => [v => 4], vdistributed => [v => 5], vequal_space => [v => 5],
);

sub set_align {
    my ($self, $where) = @_;
    return if !defined $where || $where =~ /\d/;
    $where = lc $where;
    my $a = $ALIGN{$where} or return;
    $self->{ $a->[0] eq 'h' ? '_text_h_align' : '_text_v_align' } = $a->[1];
    $self->{_just_distrib} = 1 if $where eq 'justify_distributed';
    return;
}
sub set_valign        { my $self = shift; return $self->set_align(@_) }
sub set_center_across { $_[0]{_text_h_align} = 6 }
sub set_merge         { $_[0]{_text_h_align} = 6 }

sub set_bold {
    my ($self, $bold) = @_;
    $self->{_bold} = (defined $bold ? $bold : 1) ? 1 : 0;
}

sub set_border {
    my ($self, $style) = @_;
    $self->{"_$_"} = defined $style ? $style : 1 for qw(bottom top left right);
    return;
}

sub set_border_color {
    my ($self, $color) = @_;
    $self->{"_${_}_color"} = _get_color($color) for qw(bottom top left right);
    return;
}

sub set_rotation {
    my ($self, $r) = @_;
    return if $r !~ /^([+-]?)(?=\d|\.\d)\d*(\.\d*)?([Ee]([+-]?\d+))?$/;
    $r = int $r;
    if ($r == 270) {
        $r = 255;
    }
    elsif ($r >= -90 && $r <= 90) {
        $r = 90 - $r if $r < 0;
    }
    else {
        require Carp;
        Carp::carp("Rotation $r outside range: -90 <= angle <= 90");
        $r = 0;
    }
    $self->{_rotation} = $r;
}

sub set_hyperlink {
    my ($self, $link) = @_;
    $self->{_xf_id} = 1;
    $self->{_underline} = 1;
    $self->{_theme} = 10;
    $self->{_hyperlink} = $link;
}

sub set_format_properties {
    my $self = shift;
    my %props = @_;
    while (my ($key, $value) = each %props) {
        $key =~ s/^-//;
        my $m = "set_$key";
        $self->$m($value);
    }
    return;
}
sub set_properties { goto &set_format_properties }

# Every other set_<property> the native class answers: any field it has.
sub AUTOLOAD {
    my $self = shift;
    my $name = $AUTOLOAD;
    return if $name =~ /::DESTROY$/;
    my ($field) = $name =~ /::set(_\w+)$/;
    die "Unknown method: $name\n" unless defined $field && ref $self && exists $self->{$field};
    my $sub = $name =~ /color$/
        ? sub { $_[0]{$field} = _get_color($_[1]) }
        : sub { $_[0]{$field} = defined $_[1] ? $_[1] : 1 };
    no strict 'refs';
    *{$name} = $sub;
    return $sub->($self, @_);
}

sub DESTROY { }

# The properties for close, as docs/protocol.md lists them; defaults are left out.
sub _wire {
    my ($self, $palette) = @_;
    my %p;
    for my $k (qw(font size bold italic underline font_strikeout font_script font_outline
                  font_shadow pattern bottom top left right diag_type diag_border text_wrap
                  indent rotation shrink locked hidden)) {
        my $v = $self->{"_$k"};
        next if !defined $v || $v eq $DEFAULTS{"_$k"};
        # Numbers as JSON numbers, whatever the script gave (a string from a config file...).
        $p{$k} = $k ne 'font' && $v =~ /^-?\d+(?:\.\d+)?$/ ? 0 + $v : "$v";
    }
    for my $k (qw(color bg_color fg_color bottom_color top_color left_color right_color diag_color)) {
        my $rgb = _rgb($self->{"_$k"}, $palette);
        $p{$k} = $rgb if defined $rgb;
    }
    # Excel's rules for alignment, applied as native applies them when it writes the file: an
    # indent needs a left, right or distributed alignment (left by default), and shrink-to-fit
    # goes with none of wrap, fill, justify or distributed.
    $p{diag_border} = 1 if $p{diag_type} && !$p{diag_border};    # a diagonal needs a style
    my $h = $self->{_text_h_align} || 0;
    $h = 1 if $self->{_indent} && $h != 1 && $h != 3 && $h != 7;
    delete $p{shrink} if $self->{_text_wrap} || $h == 4 || $h == 5 || $h == 7;
    $p{align} = $H_ALIGN[$h] if $h && $H_ALIGN[$h];
    $p{valign} = $V_ALIGN[ $self->{_text_v_align} ] if $self->{_text_v_align} && $V_ALIGN[ $self->{_text_v_align} ];
    my $nf = $self->{_num_format};
    if (defined $nf && $nf ne 'General') {
        if ($nf =~ /^\d+$/ && $nf !~ /^0+\d/) { $p{num_format} = $nf == 0 ? 1 : 0 + $nf }
        else                                  { $p{num_format} = "$nf" }
    }
    return \%p;
}

1;

__END__

=head1 NAME

Excel::Writer::XLSX::Format - CPAN Bridge drop-in: cell formats for Excel::Writer::XLSX

=head1 SYNOPSIS

    my $fmt = $workbook->add_format(bold => 1, color => 'red', align => 'center');
    $fmt->set_bg_color('#DDEEFF');
    $fmt->set_num_format('0.00');

=head1 SUPPORTED

Every constructor property and C<set_*> method of the native class: font, size, bold, italic,
underline, font_strikeout, font_script, color, bg_color, fg_color, pattern, border, bottom, top,
left, right and their C<_color>s, border_color, align, valign, center_across, text_wrap, indent,
rotation, shrink, num_format (a format string or a built-in index), locked, hidden, copy().
Named colours and palette indices (8-63, and 0-7 as 8-15) resolve as the native module resolves
them, including changes made with the workbook's C<set_custom_color>. As natively, the state of
a format at the workbook's C<close> is what counts.

=head1 NOT SUPPORTED / CAVEATS

Properties kept but not sent to the daemon: font_family, font_charset, font_scheme, theme,
reading_order, hyperlink.

=head1 SEE ALSO

L<Excel::Writer::XLSX::Format> (the real module), F<docs/excel.md>.

=cut
