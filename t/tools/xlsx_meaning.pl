#!/usr/bin/perl
# t/tools/xlsx_meaning.pl FILE.xlsx — prints what an .xlsx *means* as canonical, sorted text, so
# that two files written by different writers (the native Excel::Writer::XLSX and the bridge's
# daemon) can be compared with a plain string compare.
#
# Runs with the system perl outside the lockdown (it needs Archive::Zip and XML::LibXML), and
# never loads either writer: the dump must not depend on the thing under test.
#
# What is normalised away, because it is how a writer encodes a value rather than the value:
# shared vs inline strings, the XF/font/fill/border numbering and sharing, attribute order,
# default values written or left out, built-in number format ids vs their format codes, indexed
# vs RGB colours, how column ranges are grouped in <cols>, selections left at A1, the hidden
# _xlnm._FilterDatabase name that mirrors an autofilter, a formula's cached 0 vs none (Excel
# recalculates on load), creation dates, and the app.xml lists that repeat the sheet names.
use strict;
use warnings;
use Archive::Zip qw(:ERROR_CODES);
use XML::LibXML;
use Digest::MD5 qw(md5_hex);

my $file = shift or die "usage: $0 FILE.xlsx\n";
Archive::Zip::setErrorHandler(sub { });
my $zip = Archive::Zip->new;
$zip->read($file) == AZ_OK or die "$file: not a zip archive\n";

my %NS = (
    m   => 'http://schemas.openxmlformats.org/spreadsheetml/2006/main',
    r   => 'http://schemas.openxmlformats.org/officeDocument/2006/relationships',
    pr  => 'http://schemas.openxmlformats.org/package/2006/relationships',
    cp  => 'http://schemas.openxmlformats.org/package/2006/metadata/core-properties',
    dc  => 'http://purl.org/dc/elements/1.1/',
    ep  => 'http://schemas.openxmlformats.org/officeDocument/2006/extended-properties',
    xdr => 'http://schemas.openxmlformats.org/drawingml/2006/spreadsheetDrawing',
    a   => 'http://schemas.openxmlformats.org/drawingml/2006/main',
);
my $XPC = XML::LibXML::XPathContext->new;
$XPC->registerNs($_, $NS{$_}) for keys %NS;

binmode STDOUT, ':encoding(UTF-8)';
my @OUT;
sub out { push @OUT, join('', @_) }

sub part {
    my ($name) = @_;
    $name =~ s{^/}{};
    my $m = $zip->memberNamed($name) or return undef;
    my $data = $zip->contents($m);
    return $data;
}
sub doc {
    my ($name) = @_;
    my $data = part($name);
    return undef unless defined $data;
    return XML::LibXML->load_xml(string => $data, no_network => 1);
}
sub nodes { my ($ctx, $xp) = @_; return $XPC->findnodes($xp, $ctx)->get_nodelist }
sub node  { my ($ctx, $xp) = @_; my @n = nodes($ctx, $xp); return $n[0] }
sub attr  { my ($n, $a) = @_; return undef unless $n; my $v = $n->getAttribute($a); return $v }
sub bool  { my ($v, $def) = @_; return $def unless defined $v; return ($v eq '1' || lc $v eq 'true' || lc $v eq 'on') ? 1 : 0 }
sub txt   { my ($n) = @_; return defined $n ? $n->textContent : undef }

# OOXML escapes characters XML cannot carry as _xHHHH_.
sub unesc { my ($s) = @_; return $s unless defined $s; $s =~ s/_x([0-9A-Fa-f]{4})_/chr hex $1/ge; return $s }
sub show {
    my ($s) = @_;
    return '(undef)' unless defined $s;
    $s =~ s/([\\"])/\\$1/g;
    $s =~ s/\n/\\n/g; $s =~ s/\r/\\r/g; $s =~ s/\t/\\t/g;
    $s =~ s/([\x00-\x1f\x7f])/sprintf '\\x%02x', ord $1/ge;
    return qq{"$s"};
}
sub num {
    my ($v) = @_;
    return $v unless defined $v && $v =~ /^\s*[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?\s*$/;
    my $s = sprintf '%.15g', $v;
    $s = '0' if $s eq '-0';
    return $s;
}

# Relationships of a part: Id => [absolute target, external?].
sub rels {
    my ($partname) = @_;
    my ($dir, $base) = $partname eq '' ? ('', '') : $partname =~ m{^(?:(.*)/)?([^/]+)$};
    $dir //= '';
    my $d = doc(($dir eq '' ? '' : "$dir/") . "_rels/$base.rels") or return {};
    my %r;
    for my $rel (nodes($d, '//pr:Relationship')) {
        my $t = attr($rel, 'Target');
        my $ext = (attr($rel, 'TargetMode') // '') eq 'External';
        unless ($ext) {
            my $abs = $t =~ m{^/} ? substr($t, 1) : ($dir eq '' ? $t : "$dir/$t");
            1 while $abs =~ s{[^/]+/\.\./}{};
            $abs =~ s{(^|/)\./}{$1}g;
            $t = $abs;
        }
        $r{ attr($rel, 'Id') } = [$t, $ext, attr($rel, 'Type')];
    }
    return \%r;
}

# --- columns and cell references -----------------------------------------------------------------
sub col_name { my ($c) = @_; my $s = ''; $c++; while ($c > 0) { my $m = ($c - 1) % 26; $s = chr(65 + $m) . $s; $c = int(($c - $m) / 26) } return $s }
sub col_num  { my ($s) = @_; my $n = 0; $n = $n * 26 + (ord($_) - 64) for split //, uc $s; return $n - 1 }
sub ref_rc   { my ($r) = @_; $r =~ /^\$?([A-Za-z]+)\$?(\d+)$/ or return; return ($2 - 1, col_num($1)) }

# --- colours -------------------------------------------------------------------------------------
# The 64 colours of Excel's default indexed palette (ECMA-376 part 1, 18.8.27).
my @PALETTE = qw(
  000000 FFFFFF FF0000 00FF00 0000FF FFFF00 FF00FF 00FFFF 000000 FFFFFF FF0000 00FF00 0000FF FFFF00
  FF00FF 00FFFF 800000 008000 000080 808000 800080 008080 C0C0C0 808080 9999FF 993366 FFFFCC CCFFFF
  660066 FF8080 0066CC CCCCFF 000080 FF00FF FFFF00 00FFFF 800080 800000 008080 0000FF 00CCFF CCFFFF
  CCFFCC FFFF99 99CCFF FF99CC CC99FF FFCC99 3366FF 33CCCC 99CC00 FFCC00 FF9900 FF6600 666699 969696
  003366 339966 003300 333300 993300 993366 333399 333333);
my @CUSTOM_PALETTE;
# The theme's colour scheme (dk1 lt1 dk2 lt2 accent1-6 hlink folHlink): theme colours are shown as
# the RGB they stand for, so a writer that writes the theme's hyperlink blue as RGB compares equal.
# Without a theme part, Excel uses the Office 2007 scheme.
my @THEME = qw(000000 FFFFFF 1F497D EEECE1 4F81BD C0504D 9BBB59 8064A2 4BACC6 F79646 0000FF 800080);

sub color {
    my ($n) = @_;
    return 'auto' unless $n;
    my $tint = attr($n, 'tint');
    my $t = defined $tint && $tint + 0 != 0 ? sprintf('%+.4g', $tint) : '';
    if (defined(my $rgb = attr($n, 'rgb'))) {
        $rgb = uc $rgb;
        $rgb = substr($rgb, 2) if length $rgb == 8;
        return "#$rgb$t";
    }
    if (defined(my $i = attr($n, 'indexed'))) {
        my $pal = @CUSTOM_PALETTE ? \@CUSTOM_PALETTE : \@PALETTE;
        return 'auto' if $i >= 64;          # 64: system foreground, 65: system background
        return "#$pal->[$i]$t" if defined $pal->[$i];
        return "indexed$i$t";
    }
    if (defined(my $th = attr($n, 'theme'))) {
        # Excel numbers the scheme lt1, dk1, lt2, dk2, accent1.., while the theme lists dk1 first.
        my $k = $th < 4 ? $th ^ 1 : $th;
        return defined $THEME[$k] ? "#$THEME[$k]$t" : "theme$th$t";
    }
    return 'auto';
}

# --- number formats ------------------------------------------------------------------------------
my %BUILTIN_NUMFMT = (
    0 => 'General', 1 => '0', 2 => '0.00', 3 => '#,##0', 4 => '#,##0.00',
    5 => '($#,##0_);($#,##0)', 6 => '($#,##0_);[Red]($#,##0)', 7 => '($#,##0.00_);($#,##0.00)',
    8 => '($#,##0.00_);[Red]($#,##0.00)', 9 => '0%', 10 => '0.00%', 11 => '0.00E+00', 12 => '# ?/?',
    13 => '# ??/??', 14 => 'm/d/yy', 15 => 'd-mmm-yy', 16 => 'd-mmm', 17 => 'mmm-yy', 18 => 'h:mm AM/PM',
    19 => 'h:mm:ss AM/PM', 20 => 'h:mm', 21 => 'h:mm:ss', 22 => 'm/d/yy h:mm',
    37 => '(#,##0_);(#,##0)', 38 => '(#,##0_);[Red](#,##0)', 39 => '(#,##0.00_);(#,##0.00)',
    40 => '(#,##0.00_);[Red](#,##0.00)', 41 => '_(* #,##0_);_(* (#,##0);_(* "-"_);_(@_)',
    42 => '_($* #,##0_);_($* (#,##0);_($* "-"_);_(@_)', 43 => '_(* #,##0.00_);_(* (#,##0.00);_(* "-"??_);_(@_)',
    44 => '_($* #,##0.00_);_($* (#,##0.00);_($* "-"??_);_(@_)', 45 => 'mm:ss', 46 => '[h]:mm:ss',
    47 => 'mm:ss.0', 48 => '##0.0E+0', 49 => '@',
);
my %NUMFMT;

# --- styles --------------------------------------------------------------------------------------
my (@FONTS, @FILLS, @BORDERS, @XFS, @DXFS, %STYLE_NAME);

sub font_props {
    my ($f, $dxf) = @_;
    my @p;
    return () unless $f;
    my $v = sub { my $n = node($f, "m:$_[0]"); return $n ? (attr($n, 'val') // '__present__') : undef };
    my $name = $v->('name'); my $sz = $v->('sz');
    if (!$dxf) {
        push @p, 'font=' . show($name // 'Calibri') unless ($name // 'Calibri') eq 'Calibri';
        push @p, 'size=' . num($sz // 11) unless num($sz // 11) eq '11';
    }
    else {
        push @p, 'font=' . show($name) if defined $name;
        push @p, 'size=' . num($sz) if defined $sz;
    }
    for my $flag (qw(b i strike outline shadow)) {
        my $x = $v->($flag);
        next unless defined $x;
        my $on = $x eq '__present__' ? 1 : bool($x, 1);
        push @p, ($on ? '' : 'no-') . {b => 'bold', i => 'italic', strike => 'strike', outline => 'outline', shadow => 'shadow'}->{$flag}
            if $on || $dxf;
    }
    my $u = $v->('u');
    if (defined $u) {
        $u = 'single' if $u eq '__present__';
        push @p, "underline=$u" unless $u eq 'none' && !$dxf;
    }
    my $va = $v->('vertAlign');
    push @p, "script=$va" if defined $va && $va ne 'baseline';
    my $c = node($f, 'm:color');
    my $col = color($c);
    my $plain = !$c || bool(attr($c, 'auto'), 0) || ((attr($c, 'theme') // '') eq '1' && !attr($c, 'tint'));
    push @p, "color=$col" if $dxf ? $c : !$plain;
    return @p;
}

sub fill_props {
    my ($f, $dxf) = @_;
    return () unless $f;
    my $pf = node($f, 'm:patternFill');
    if (!$pf) {
        my $g = node($f, 'm:gradientFill');
        return $g ? ('fill=gradient:' . join(',', map { color(node($_, 'm:color')) } nodes($g, 'm:stop'))) : ();
    }
    my $type = attr($pf, 'patternType');
    my $fg = node($pf, 'm:fgColor'); my $bg = node($pf, 'm:bgColor');
    if ($dxf) {
        # In a differential format a solid fill's colour is its bgColor (Excel's own quirk).
        $type //= 'solid';
        return () if $type eq 'none' && !$fg && !$bg;
        my @p = ("fill=$type");
        push @p, 'fill.color=' . color($bg) if $bg;
        push @p, 'fill.fg=' . color($fg) if $fg;
        return @p;
    }
    $type //= 'none';
    return () if $type eq 'none';
    return ('fill=solid', 'fill.color=' . color($fg)) if $type eq 'solid';
    return ("fill=$type", 'fill.fg=' . color($fg), 'fill.bg=' . color($bg));
}

sub border_props {
    my ($b, $dxf) = @_;
    return () unless $b;
    my @p;
    for my $side (qw(left right top bottom diagonal vertical horizontal)) {
        my $s = node($b, "m:$side") or next;
        my $style = attr($s, 'style') // 'none';
        next if $style eq 'none';
        push @p, "border.$side=$style:" . color(node($s, 'm:color'));
    }
    push @p, 'border.diagonalUp' if bool(attr($b, 'diagonalUp'), 0);
    push @p, 'border.diagonalDown' if bool(attr($b, 'diagonalDown'), 0);
    return @p;
}

sub align_props {
    my ($a) = @_;
    return () unless $a;
    my @p;
    my %def = (horizontal => 'general', vertical => 'bottom', wrapText => 0, indent => 0, textRotation => 0,
               shrinkToFit => 0, readingOrder => 0, justifyLastLine => 0, relativeIndent => 0);
    for my $k (sort keys %def) {
        my $v = attr($a, $k);
        next unless defined $v;
        $v = bool($v, 0) if $k =~ /^(wrapText|shrinkToFit|justifyLastLine)$/;
        push @p, "$k=$v" unless $v eq $def{$k};
    }
    return @p;
}

sub numfmt_code {
    my ($id) = @_;
    return $NUMFMT{$id} // $BUILTIN_NUMFMT{$id} // "builtin$id";
}

sub load_styles {
    my $wbrels = shift;
    my ($sp) = grep { $_->[2] =~ m{/styles$} } values %$wbrels;
    my $d = $sp ? doc($sp->[0]) : undef;
    return unless $d;
    @CUSTOM_PALETTE = map { my $c = uc(attr($_, 'rgb') // ''); length $c == 8 ? substr($c, 2) : $c }
                      nodes($d, '/m:styleSheet/m:colors/m:indexedColors/m:rgbColor');
    $NUMFMT{ attr($_, 'numFmtId') } = attr($_, 'formatCode') for nodes($d, '/m:styleSheet/m:numFmts/m:numFmt');
    @FONTS   = nodes($d, '/m:styleSheet/m:fonts/m:font');
    @FILLS   = nodes($d, '/m:styleSheet/m:fills/m:fill');
    @BORDERS = nodes($d, '/m:styleSheet/m:borders/m:border');
    my @sxf  = nodes($d, '/m:styleSheet/m:cellStyleXfs/m:xf');
    for my $cs (nodes($d, '/m:styleSheet/m:cellStyles/m:cellStyle')) {
        $STYLE_NAME{ attr($cs, 'xfId') // 0 } = attr($cs, 'name');
    }
    for my $xf (nodes($d, '/m:styleSheet/m:cellXfs/m:xf')) {
        my @p;
        push @p, font_props($FONTS[ attr($xf, 'fontId') // 0 ]);
        push @p, fill_props($FILLS[ attr($xf, 'fillId') // 0 ]);
        push @p, border_props($BORDERS[ attr($xf, 'borderId') // 0 ]);
        my $code = numfmt_code(attr($xf, 'numFmtId') // 0);
        push @p, 'numfmt=' . show($code) unless $code eq 'General';
        push @p, align_props(node($xf, 'm:alignment'));
        my $prot = node($xf, 'm:protection');
        push @p, 'unlocked' if $prot && !bool(attr($prot, 'locked'), 1);
        push @p, 'formula-hidden' if $prot && bool(attr($prot, 'hidden'), 0);
        my $sn = $STYLE_NAME{ attr($xf, 'xfId') // 0 };
        push @p, 'cellstyle=' . show($sn) if defined $sn && (attr($xf, 'xfId') // 0) != 0 && $sn ne 'Normal';
        push @XFS, join(' ', @p);
    }
    for my $dxf (nodes($d, '/m:styleSheet/m:dxfs/m:dxf')) {
        my @p;
        push @p, font_props(node($dxf, 'm:font'), 1);
        push @p, fill_props(node($dxf, 'm:fill'), 1);
        push @p, border_props(node($dxf, 'm:border'), 1);
        my $nf = node($dxf, 'm:numFmt');
        push @p, 'numfmt=' . show(attr($nf, 'formatCode') // numfmt_code(attr($nf, 'numFmtId'))) if $nf;
        push @p, align_props(node($dxf, 'm:alignment'));
        push @DXFS, join(' ', @p);
    }
}
sub xf { my ($s) = @_; return '' unless defined $s && $s ne ''; return $XFS[$s] // "bad-style-index-$s" }

# --- workbook ------------------------------------------------------------------------------------
my $wbrels0 = rels('');
my ($wbpart) = map { $_->[0] } grep { $_->[2] =~ m{/officeDocument$} } values %$wbrels0;
$wbpart //= 'xl/workbook.xml';
my $wb = doc($wbpart) or die "$file: no workbook part\n";
my $wbrels = rels($wbpart);
if (my ($tp) = grep { $_->[2] =~ m{/theme$} } values %$wbrels) {
    if (my $d = doc($tp->[0])) {
        my @c = map { my $v = node($_, 'a:srgbClr'); my $s = node($_, 'a:sysClr');
                      $v ? uc attr($v, 'val') : $s ? uc(attr($s, 'lastClr') // '') : undef }
                nodes($d, '//a:clrScheme/*');
        @THEME = @c if @c >= 12;
    }
}
load_styles($wbrels);

my @SST;
if (my ($ssp) = grep { $_->[2] =~ m{/sharedStrings$} } values %$wbrels) {
    if (my $d = doc($ssp->[0])) {
        @SST = map { unesc(join '', map { $_->textContent } nodes($_, 'm:t | m:r/m:t')) } nodes($d, '/m:sst/m:si');
    }
}

my @sheets = nodes($wb, '/m:workbook/m:sheets/m:sheet');
my @names = map { attr($_, 'name') } @sheets;
my $view = node($wb, '/m:workbook/m:bookViews/m:workbookView');
my $active = attr($view, 'activeTab') // 0;
out('workbook sheets=', join(',', map { show($_) } @names));
out('workbook active=', show($names[$active]));
if ((attr($view, 'firstSheet') // 0) != 0) {
    my $fs = attr($view, 'firstSheet');
    out('workbook firstsheet=', defined $names[$fs] ? show($names[$fs]) : "index-$fs-of-" . scalar(@names));
}
out('workbook date1904=', bool(attr(node($wb, '/m:workbook/m:workbookPr'), 'date1904'), 0));
for my $i (0 .. $#sheets) {
    my $state = attr($sheets[$i], 'state') // 'visible';
    out('workbook sheet ', show($names[$i]), " state=$state") unless $state eq 'visible';
}
my @wblines;
for my $dn (nodes($wb, '/m:workbook/m:definedNames/m:definedName')) {
    my $name = attr($dn, 'name');
    next if $name eq '_xlnm._FilterDatabase';
    my $lsid = attr($dn, 'localSheetId');
    my $scope = defined $lsid ? show($names[$lsid] // "sheet$lsid") : 'workbook';
    push @wblines, join '', ('name ', $name, ' scope=', $scope, ' ', show(txt($dn)), (bool(attr($dn, 'hidden'), 0) ? ' hidden' : ''));
}

# Document properties.
my ($corep) = map { $_->[0] } grep { $_->[2] =~ m{/core-properties$} } values %$wbrels0;
if (my $d = doc($corep // 'docProps/core.xml')) {
    for my $e (nodes($d, '/cp:coreProperties/*')) {
        my $n = $e->localName;
        next if $n =~ /^(created|modified|lastPrinted|revision)$/;
        my $v = $e->textContent;
        push @wblines, "property $n=" . show($v) if length $v;
    }
}
my ($appp) = map { $_->[0] } grep { $_->[2] =~ m{/extended-properties$} } values %$wbrels0;
if (my $d = doc($appp // 'docProps/app.xml')) {
    for my $n (qw(Manager Company HyperlinkBase)) {
        my $e = node($d, "/ep:Properties/ep:$n");
        push @wblines, 'property ' . lc($n) . '=' . show($e->textContent) if $e && length $e->textContent;
    }
}
out($_) for sort @wblines;

# --- sheets --------------------------------------------------------------------------------------
for my $i (0 .. $#sheets) {
    my $rid = $sheets[$i]->getAttributeNS($NS{r}, 'id');
    my $path = $wbrels->{$rid}[0];
    my $sh = doc($path) or do { out('sheet ', show($names[$i]), ' MISSING PART'); next };
    my $srels = rels($path);
    my $P = 'sheet ' . show($names[$i]) . ' ';
    my @lines;
    my $o = sub { push @lines, $P . join('', @_) };

    my $root = $sh->documentElement;
    my $spr = node($root, 'm:sheetPr');
    my $tab = $spr ? node($spr, 'm:tabColor') : undef;
    $o->('tabcolor=', color($tab)) if $tab;
    if (my $outline = $spr ? node($spr, 'm:outlinePr') : undef) {
        my @p;
        push @p, 'autostyle' if bool(attr($outline, 'applyStyles'), 0);
        push @p, 'summary-above' unless bool(attr($outline, 'summaryBelow'), 1);
        push @p, 'summary-left' unless bool(attr($outline, 'summaryRight'), 1);
        push @p, 'symbols=off' unless bool(attr($outline, 'showOutlineSymbols'), 1);
        $o->('outline ', join(' ', @p)) if @p;
    }

    for my $sv (nodes($root, 'm:sheetViews/m:sheetView')) {
        $o->('selected') if bool(attr($sv, 'tabSelected'), 0);
        $o->('gridlines=off') unless bool(attr($sv, 'showGridLines'), 1);
        $o->('headings=off') unless bool(attr($sv, 'showRowColHeaders'), 1);
        $o->('zeros=off') unless bool(attr($sv, 'showZeros'), 1);
        $o->('righttoleft') if bool(attr($sv, 'rightToLeft'), 0);
        $o->('outline-symbols=off') unless bool(attr($sv, 'showOutlineSymbols'), 1);
        $o->('zoom=', attr($sv, 'zoomScale')) if (attr($sv, 'zoomScale') // 100) != 100;
        $o->('view=', attr($sv, 'view')) if (attr($sv, 'view') // 'normal') ne 'normal';
        $o->('topleft=', attr($sv, 'topLeftCell')) if (attr($sv, 'topLeftCell') // 'A1') ne 'A1';
        my $pane = node($sv, 'm:pane');
        if ($pane) {
            my $state = attr($pane, 'state') // 'split';
            $state = 'frozen' if $state eq 'frozenSplit';
            my ($x, $y) = (attr($pane, 'xSplit') // 0, attr($pane, 'ySplit') // 0);
            $o->("pane $state x=", num($x), ' y=', num($y), ' topleft=', attr($pane, 'topLeftCell') // '(default)',
                 ' active=', attr($pane, 'activePane') // 'topLeft');
        }
        # Only the active pane's selection is where the cursor is; the others' are remembered
        # positions no reader shows (writers differ in whether they write them at all).
        my $activepane = $pane ? (attr($pane, 'activePane') // 'topLeft') : 'topLeft';
        for my $sel (nodes($sv, 'm:selection')) {
            next if (attr($sel, 'pane') // 'topLeft') ne $activepane;
            my $ac = attr($sel, 'activeCell') // 'A1';
            my $sq = attr($sel, 'sqref') // $ac;
            next if $ac eq 'A1' && $sq eq 'A1';
            $o->('selection pane=', attr($sel, 'pane') // 'topLeft', " active=$ac sqref=$sq");
        }
    }

    my $fmt = node($root, 'm:sheetFormatPr');
    my $defht = attr($fmt, 'defaultRowHeight') // 15;
    $o->('default-row-height=', num($defht)) if num($defht) ne '15';
    $o->('default-col-width=', num(attr($fmt, 'defaultColWidth'))) if defined attr($fmt, 'defaultColWidth');
    $o->('rows-hidden-by-default') if bool(attr($fmt, 'zeroHeight'), 0);

    # Columns: expanded, then regrouped into maximal runs of equal settings.
    my %col;
    for my $c (nodes($root, 'm:cols/m:col')) {
        my @p;
        push @p, 'width=' . num(sprintf '%.6f', attr($c, 'width')) if defined attr($c, 'width') && bool(attr($c, 'customWidth'), 1);
        push @p, 'hidden' if bool(attr($c, 'hidden'), 0);
        push @p, 'level=' . attr($c, 'outlineLevel') if attr($c, 'outlineLevel');
        push @p, 'collapsed' if bool(attr($c, 'collapsed'), 0);
        my $st = xf(attr($c, 'style'));
        push @p, "style=[$st]" if length $st;
        next unless @p;
        $col{$_} = join(' ', @p) for attr($c, 'min') - 1 .. attr($c, 'max') - 1;
    }
    my @cc = sort { $a <=> $b } keys %col;
    while (@cc) {
        my $first = shift @cc; my $last = $first;
        while (@cc && $cc[0] == $last + 1 && $col{ $cc[0] } eq $col{$first}) { $last = shift @cc }
        $o->('cols ', col_name($first), ':', col_name($last), ' ', $col{$first});
    }

    # Rows and cells.
    my @cells;
    my $rown = 0;
    for my $row (nodes($root, 'm:sheetData/m:row')) {
        $rown = defined attr($row, 'r') ? attr($row, 'r') : $rown + 1;
        my @p;
        my $ht = attr($row, 'ht');
        push @p, 'height=' . num($ht) if defined $ht && (bool(attr($row, 'customHeight'), 0) || num($ht) ne num($defht));
        push @p, 'hidden' if bool(attr($row, 'hidden'), 0);
        push @p, 'level=' . attr($row, 'outlineLevel') if attr($row, 'outlineLevel');
        push @p, 'collapsed' if bool(attr($row, 'collapsed'), 0);
        if (bool(attr($row, 'customFormat'), 0)) {
            my $st = xf(attr($row, 's'));
            push @p, "style=[$st]" if length $st;
        }
        push @lines, "${P}row $rown " . join(' ', @p) if @p;
        my $coln = -1;
        for my $c (nodes($row, 'm:c')) {
            my ($r, $cn) = defined attr($c, 'r') ? ref_rc(attr($c, 'r')) : ($rown - 1, $coln + 1);
            $coln = $cn;
            my $t = attr($c, 't') // 'n';
            my $f = node($c, 'm:f');
            my $v = txt(node($c, 'm:v'));
            my $desc;
            if ($f) {
                my $ft = attr($f, 't') // 'normal';
                my $text = $f->textContent;
                $desc = 'formula ' . show($text);
                $desc .= ' array=' . attr($f, 'ref') if $ft eq 'array';
                $desc .= ' shared=' . (attr($f, 'si') // '') . ' ref=' . (attr($f, 'ref') // '') if $ft eq 'shared';
                my $cached = $t eq 's' ? $SST[$v] : $t eq 'b' ? ($v ? 'TRUE' : 'FALSE') : $t eq 'n' ? num($v) : unesc($v);
                $desc .= ' cached=' . show($cached) if defined $cached && $cached ne '' && $cached ne '0';
            }
            elsif ($t eq 's')         { $desc = 'string ' . show(defined $v ? $SST[$v] : undef) }
            elsif ($t eq 'inlineStr') { $desc = 'string ' . show(unesc(join '', map { $_->textContent } nodes($c, 'm:is/m:t | m:is/m:r/m:t'))) }
            elsif ($t eq 'str')       { $desc = 'string ' . show(unesc($v)) }
            elsif ($t eq 'b')         { $desc = 'bool ' . ($v ? 'TRUE' : 'FALSE') }
            elsif ($t eq 'e')         { $desc = 'error ' . $v }
            elsif ($t eq 'd')         { $desc = 'date ' . $v }
            elsif (defined $v)        { $desc = 'number ' . num($v) }
            else                      { $desc = 'blank' }
            my $st = xf(attr($c, 's'));
            next if $desc eq 'blank' && !length $st;
            push @cells, [$r, $cn, sprintf('%scell %s %s%s', $P, col_name($cn) . ($r + 1), $desc, length $st ? " [$st]" : '')];
        }
    }
    push @lines, map { $_->[2] } sort { $a->[0] <=> $b->[0] || $a->[1] <=> $b->[1] } @cells;

    $o->('merge ', $_) for sort map { attr($_, 'ref') } nodes($root, 'm:mergeCells/m:mergeCell');
    if (my $af = node($root, 'm:autoFilter')) {
        $o->('autofilter ', attr($af, 'ref'));
        $o->('autofilter column ', canon($_)) for nodes($af, 'm:filterColumn');
    }
    if (my $po = node($root, 'm:printOptions')) {
        for my $k (qw(gridLines headings horizontalCentered verticalCentered)) {
            $o->("print $k") if bool(attr($po, $k), 0);
        }
    }
    my $pm = node($root, 'm:pageMargins');
    my %mdef = (left => 0.7, right => 0.7, top => 0.75, bottom => 0.75, header => 0.3, footer => 0.3);
    $o->('margins ', join(' ', map { "$_=" . num(attr($pm, $_) // $mdef{$_}) } qw(left right top bottom header footer)));
    my $ps = node($root, 'm:pageSetup');
    $o->('orientation=landscape') if (attr($ps, 'orientation') // 'portrait') eq 'landscape';
    $o->('paper=', attr($ps, 'paperSize') // 1) if (attr($ps, 'paperSize') // 1) != 1;
    $o->('scale=', attr($ps, 'scale')) if (attr($ps, 'scale') // 100) != 100;
    $o->('first-page-number=', attr($ps, 'firstPageNumber')) if bool(attr($ps, 'useFirstPageNumber'), 0);
    $o->('page-order=', attr($ps, 'pageOrder')) if (attr($ps, 'pageOrder') // 'downThenOver') ne 'downThenOver';
    $o->('print black-and-white') if bool(attr($ps, 'blackAndWhite'), 0);
    my $psp = $spr ? node($spr, 'm:pageSetUpPr') : undef;
    if (bool(attr($psp, 'fitToPage'), 0)) {
        $o->('fit-to-pages width=', attr($ps, 'fitToWidth') // 1, ' height=', attr($ps, 'fitToHeight') // 1);
    }
    if (my $hf = node($root, 'm:headerFooter')) {
        for my $k (qw(oddHeader oddFooter evenHeader evenFooter firstHeader firstFooter)) {
            my $e = node($hf, "m:$k");
            $o->("$k ", show($e->textContent)) if $e && length $e->textContent;
        }
        $o->('header-footer differentOddEven') if bool(attr($hf, 'differentOddEven'), 0);
        $o->('header-footer differentFirst') if bool(attr($hf, 'differentFirst'), 0);
        $o->('header-footer scaleWithDoc=0') unless bool(attr($hf, 'scaleWithDoc'), 1);
        $o->('header-footer alignWithMargins=0') unless bool(attr($hf, 'alignWithMargins'), 1);
    }
    for my $brk (nodes($root, 'm:rowBreaks/m:brk')) { $o->('row-break ', attr($brk, 'id')) }
    for my $brk (nodes($root, 'm:colBreaks/m:brk')) { $o->('col-break ', attr($brk, 'id')) }

    if (my $sp = node($root, 'm:sheetProtection')) {
        my %def = (sheet => 0, objects => 0, scenarios => 0, formatCells => 1, formatColumns => 1, formatRows => 1,
                   insertColumns => 1, insertRows => 1, insertHyperlinks => 1, deleteColumns => 1, deleteRows => 1,
                   selectLockedCells => 0, sort => 1, autoFilter => 1, pivotTables => 1, selectUnlockedCells => 0);
        my @p = map { "$_=" . bool(attr($sp, $_), $def{$_}) } sort keys %def;
        push @p, 'password=' . attr($sp, 'password') if defined attr($sp, 'password');
        push @p, 'algorithm=' . attr($sp, 'algorithmName') if defined attr($sp, 'algorithmName');
        $o->('protection ', join(' ', @p));
    }

    for my $dv (nodes($root, 'm:dataValidations/m:dataValidation')) {
        my @p = ('type=' . (attr($dv, 'type') // 'none'));
        push @p, 'operator=' . (attr($dv, 'operator') // 'between') if (attr($dv, 'type') // 'none') !~ /^(none|list|custom)$/;
        push @p, 'errorStyle=' . (attr($dv, 'errorStyle') // 'stop');
        for my $k (qw(allowBlank showDropDown showInputMessage showErrorMessage)) {
            push @p, "$k=" . bool(attr($dv, $k), 0);
        }
        for my $k (qw(promptTitle prompt errorTitle error)) {
            push @p, "$k=" . show(attr($dv, $k)) if defined attr($dv, $k);
        }
        for my $k (qw(formula1 formula2)) {
            my $e = node($dv, "m:$k");
            push @p, "$k=" . show(num($e->textContent)) if $e;
        }
        $o->('validation ', join(' ', sort split / /, attr($dv, 'sqref')), ' ', join(' ', @p));
    }

    # Conditional formats: rules in priority order within the sheet, priorities themselves dropped.
    my @cf;
    for my $cfe (nodes($root, 'm:conditionalFormatting')) {
        my $sq = join(' ', sort split / /, attr($cfe, 'sqref'));
        for my $rule (nodes($cfe, 'm:cfRule')) {
            my %a = map { $_->nodeName => $_->value } $rule->attributes;
            my $prio = delete $a{priority} // 0;
            my $dxf = delete $a{dxfId};
            # Attributes left at their defaults (or meaningless for the rule's type) say nothing.
            my %def = (bottom => 0, equalAverage => 0, percent => 0, stopIfTrue => 0, rank => 0, text => '');
            for my $k (keys %def) { delete $a{$k} if defined $a{$k} && ($a{$k} eq $def{$k} || ($def{$k} eq '0' && lc $a{$k} eq 'false')) }
            delete $a{aboveAverage} if ($a{type} // '') ne 'aboveAverage';
            my @p = map { "$_=$a{$_}" } sort keys %a;
            push @p, map { 'formula=' . show(num($_->textContent)) } nodes($rule, 'm:formula');
            push @p, map { canon($_) } nodes($rule, 'm:colorScale | m:dataBar | m:iconSet');
            push @p, "format=[$DXFS[$dxf]]" if defined $dxf;
            push @cf, [$prio, "conditional $sq " . join(' ', @p)];
        }
    }
    $o->($_->[1]) for sort { $a->[0] <=> $b->[0] || $a->[1] cmp $b->[1] } @cf;

    for my $h (nodes($root, 'm:hyperlinks/m:hyperlink')) {
        my $id = $h->getAttributeNS($NS{r}, 'id');
        my @p;
        push @p, 'target=' . show($srels->{$id}[0]) if defined $id;
        push @p, 'location=' . show(attr($h, 'location')) if defined attr($h, 'location');
        push @p, 'tooltip=' . show(attr($h, 'tooltip')) if defined attr($h, 'tooltip');
        $o->('hyperlink ', attr($h, 'ref'), ' ', join(' ', @p));
    }

    # Images: the drawing's anchors (top-left cell, offset, extent) and the picture's bytes.
    my @img;
    for my $dr (nodes($root, 'm:drawing')) {
        my $dpath = $srels->{ $dr->getAttributeNS($NS{r}, 'id') }[0];
        my $dd = doc($dpath) or next;
        my $drels = rels($dpath);
        for my $anc (nodes($dd, '/xdr:wsDr/*')) {
            # How the picture follows the cells: a twoCellAnchor with editAs="oneCell" behaves as a
            # oneCellAnchor (moves, does not size with its cells), so the two compare equal.
            my $edit = attr($anc, 'editAs') // 'twoCell';
            my $kind = $anc->localName eq 'oneCellAnchor' ? 'move'
                     : $anc->localName eq 'absoluteAnchor' ? 'absolute'
                     : { oneCell => 'move', absolute => 'absolute' }->{$edit} // 'move+size';
            my $from = node($anc, 'xdr:from');
            my $at = $from ? col_name(txt(node($from, 'xdr:col'))) . (txt(node($from, 'xdr:row')) + 1)
                           . ' +' . txt(node($from, 'xdr:colOff')) . '+' . txt(node($from, 'xdr:rowOff')) : 'absolute';
            my $ext = node($anc, './/a:xfrm/a:ext') || node($anc, 'xdr:ext');
            my $blip = node($anc, './/a:blip');
            my $emb = $blip ? $blip->getAttributeNS($NS{r}, 'embed') : undef;
            my $bytes = defined $emb ? part($drels->{$emb}[0]) : undef;
            my $link = node($anc, './/a:hlinkClick');
            push @img, "image anchor=$kind at=$at size=" . ($ext ? attr($ext, 'cx') . 'x' . attr($ext, 'cy') : '?')
                . ' md5=' . (defined $bytes ? md5_hex($bytes) : 'none')
                . ($link ? ' link=' . show($drels->{ $link->getAttributeNS($NS{r}, 'id') // '' }[0]) : '');
        }
    }
    $o->($_) for sort @img;

    out($_) for @lines;
}

# A canonical text of an element subtree: attributes sorted, children in document order.
sub canon {
    my ($n) = @_;
    my $s = $n->localName;
    return "color=" . color($n) if $s eq 'color' || $s eq 'fillColor' || $s eq 'borderColor';
    my %a = map { $_->nodeName => $_->value } grep { $_->nodeType == XML_ATTRIBUTE_NODE } $n->attributes;
    # A min/max threshold has no value, whatever a writer puts there.
    delete $a{val} if $s eq 'cfvo' && ($a{type} // '') =~ /^(min|max)$/;
    $a{val} = num($a{val}) if defined $a{val};
    my @a = map { "$_=$a{$_}" } sort keys %a;
    $s .= '(' . join(',', @a) . ')' if @a;
    my @k = grep { $_->nodeType == XML_ELEMENT_NODE } $n->childNodes;
    if (@k) { $s .= '{' . join(';', map { canon($_) } @k) . '}' }
    elsif (length(my $t = $n->textContent)) { $s .= '=' . show($t) }
    return $s;
}

print "$_\n" for @OUT;
