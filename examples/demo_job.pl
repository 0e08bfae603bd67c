#!/usr/bin/perl
# A legacy-style nightly batch job: load the day's order feed into a SQLite work database, then
# report on it, on stdout, as a CSV file and as a spreadsheet. Plain DBI, Excel::Writer::XLSX and
# XML::XPath (its settings file), nothing else: it runs the same with the real CPAN modules and,
# unchanged, through CPAN Bridge on a host where those cannot be installed.
#
#   perl examples/demo_job.pl [DATA_DIR] [OUTPUT_DIR]    # native DBI
#   scripts/demo [DATA_DIR] [OUTPUT_DIR]                 # the same job through the bridge
#
# DATA_DIR holds job.xml (settings), orders.csv and regions.csv (default: examples/data). The report goes to stdout,
# the region summary to OUTPUT_DIR/orders_report_<business date>.csv and .xlsx (default: the
# temp dir).
# Log lines go to stderr. The work database is created fresh in a temp dir and removed at exit.
use strict;
use warnings;
use DBI;
use Excel::Writer::XLSX;
use XML::XPath;
use Encode qw(encode);
use File::Basename qw(dirname);
use File::Spec;
use File::Temp qw(tempdir);

my $data_dir = shift // File::Spec->catdir(dirname(__FILE__), 'data');
my $out_dir  = shift // File::Spec->tmpdir;

# --- settings ----------------------------------------------------------------------------------
my $config = XML::XPath->new(filename => "$data_dir/job.xml");
my $title  = $config->findvalue('/job/report/title');
my $top_n  = $config->findvalue('/job/report/@top');
my @formats = map { $_->getAttribute('format') } $config->findnodes('/job/output[@enabled="yes"]');
my %want = map { $_ => 1 } @formats;

my $work = tempdir('demo_job-XXXXXX', TMPDIR => 1, CLEANUP => 1);
my $db   = File::Spec->catfile($work, 'orders.db');

my $dbh = DBI->connect("dbi:SQLite:dbname=$db", '', '',
                       { RaiseError => 1, PrintError => 0, AutoCommit => 0 });
logline("work database $db");

# --- load ------------------------------------------------------------------------------------
$dbh->do(<<'SQL');
CREATE TABLE regions (
    region  VARCHAR(8)  PRIMARY KEY,
    name    VARCHAR(40) NOT NULL,
    manager VARCHAR(40)
)
SQL
$dbh->do(<<'SQL');
CREATE TABLE orders (
    order_id   INTEGER       PRIMARY KEY,
    order_date DATE          NOT NULL,
    customer   VARCHAR(60)   NOT NULL,
    region     VARCHAR(8)    NOT NULL REFERENCES regions (region),
    amount     NUMERIC(12,2)            -- NULL: not priced yet
)
SQL

my $ins_region = $dbh->prepare('INSERT INTO regions (region, name, manager) VALUES (?, ?, ?)');
for_each_line("$data_dir/regions.csv", sub {
    my ($lineno, @f) = @_;
    $ins_region->execute(map { length $_ ? $_ : undef } @f[0 .. 2]);
});

# A re-sent order (same id) is rejected and reported; the rest of the feed still loads.
my $ins_order = $dbh->prepare(
    'INSERT INTO orders (order_id, order_date, customer, region, amount) VALUES (?, ?, ?, ?, ?)');
my ($lines, $loaded, @rejected) = (0, 0);
for_each_line("$data_dir/orders.csv", sub {
    my ($lineno, $id, $date, $customer, $region, $amount) = @_;
    $lines++;
    $amount = undef if defined $amount && $amount eq '';
    if (eval { $ins_order->execute($id, $date, $customer, $region, $amount) }) {
        $loaded++;
    } else {
        push @rejected, sprintf 'line %d (order %s): %s', $lineno, $id, $DBI::errstr;
    }
});
$dbh->commit;
$dbh->{AutoCommit} = 1;    # the rest only reads

# --- report ----------------------------------------------------------------------------------
my ($business_date, $first_date) = $dbh->selectrow_array('SELECT max(order_date), min(order_date) FROM orders');
printf "%s for %s (orders since %s)\n", $title, $business_date, $first_date;
printf "job %s, owner %s, outputs: %s\n", sprintf('%s', $config->find('/job/@name')),
    encode('UTF-8', $config->findvalue('/job/@owner')), join(', ', @formats);    # XML gives characters, the report is UTF-8 bytes
printf "feed: %d lines, %d loaded, %d rejected\n", $lines, $loaded, scalar @rejected;
print "  rejected $_\n" for @rejected;

# Regions with their totals; a region without orders still shows (LEFT JOIN), with no amount.
my $by_region = $dbh->prepare(<<'SQL');
SELECT r.region, r.name, r.manager,
       count(o.order_id) AS orders,
       count(o.amount)   AS priced,
       sum(o.amount)     AS total,
       avg(o.amount)     AS average
  FROM regions r
  LEFT JOIN orders o ON o.region = r.region
 GROUP BY r.region, r.name, r.manager
 ORDER BY total DESC, r.region
SQL
$by_region->execute;
print "\n";
printf "%-6s %-26s %-15s %6s %6s %11s %10s\n", qw(REGION NAME MANAGER ORDERS PRICED AMOUNT AVERAGE);
my (@summary, %grand);
while (my $row = $by_region->fetchrow_hashref) {
    printf "%-6s %-26s %-15s %6d %6d %11s %10s\n",
        $row->{region}, $row->{name}, $row->{manager} // '(vacant)',
        $row->{orders}, $row->{priced}, money($row->{total}), money($row->{average});
    push @summary, { %$row };
    $grand{$_} += $row->{$_} // 0 for qw(orders priced total);
}
printf "%-6s %-26s %-15s %6d %6d %11s\n", 'TOTAL', '', '', @grand{qw(orders priced)}, money($grand{total});

my $top = $dbh->selectall_arrayref(<<'SQL', { Slice => {} }, $top_n);
SELECT o.order_id, o.order_date, o.region, o.amount, o.customer
  FROM orders o
 WHERE o.amount IS NOT NULL
 ORDER BY o.amount DESC, o.order_id
 LIMIT ?
SQL
print "\nTOP $top_n ORDERS\n";
printf "  %-6s %-10s %-6s %10s  %s\n", qw(ORDER DATE REGION AMOUNT CUSTOMER);
printf "  %-6s %-10s %-6s %10s  %s\n", @{$_}{qw(order_id order_date region)}, money($_->{amount}), $_->{customer}
    for @$top;

my $unpriced = $dbh->selectall_arrayref(
    'SELECT order_id, order_date, region, customer FROM orders WHERE amount IS NULL ORDER BY order_id');
printf "\nAWAITING A PRICE: %d\n", scalar @$unpriced;
printf "  %-6s %-10s %-6s %s\n", @$_ for @$unpriced;

# Daily totals of the last week of the feed: one prepared query, the start date bound.
my $daily = $dbh->prepare(<<'SQL');
SELECT order_date, count(*), sum(amount)
  FROM orders
 WHERE order_date >= ?
 GROUP BY order_date
 ORDER BY order_date
SQL
my $since = $dbh->selectrow_array(q{SELECT date(?, '-6 days')}, undef, $business_date);
$daily->execute($since);
print "\nDAILY since $since\n";
while (my ($date, $count, $sum) = $daily->fetchrow_array) {
    printf "  %-10s %3d %11s\n", $date, $count, money($sum);
}

# --- region summary file: written whole under a temp name, then renamed --------------------
(my $stamp = $business_date) =~ tr/-//d;
if ($want{csv}) {
    my $report = File::Spec->catfile($out_dir, "orders_report_$stamp.csv");
    my $tmp = "$report.tmp$$";
    open my $out, '>', $tmp or die "demo_job: cannot write $tmp: $!\n";
    print {$out} "region,name,manager,orders,priced,amount\n";
    for my $r (@summary) {
        print {$out} join(',', $r->{region}, $r->{name}, $r->{manager} // '', $r->{orders}, $r->{priced},
                          defined $r->{total} ? sprintf('%.2f', $r->{total}) : ''), "\n";
    }
    close $out or die "demo_job: cannot write $tmp: $!\n";
    rename $tmp, $report or die "demo_job: cannot rename $tmp to $report: $!\n";
    logline("wrote $report");
}

# --- the same summary as a spreadsheet, the way AutoKit's exportToExcel writes one ----------
if ($want{xlsx}) {
    my $xlsx = File::Spec->catfile($out_dir, "orders_report_$stamp.xlsx");
    my $workbook = Excel::Writer::XLSX->new($xlsx) or die "demo_job: cannot create $xlsx: $!\n";
    $workbook->set_properties(title => "Orders by region, $business_date", author => 'demo_job');
    my $header = $workbook->add_format();
    $header->set_bold();
    $header->set_color('black');
    $header->set_bg_color('gray');
    $header->set_align('center');
    my $amount = $workbook->add_format(num_format => '#,##0.00');
    my $total  = $workbook->add_format(bold => 1, num_format => '#,##0.00', top => 1);

    my $sheet = $workbook->add_worksheet('Regions');
    my @columns = (['Region', 'region', 8], ['Name', 'name', 28], ['Manager', 'manager', 18],
                   ['Orders', 'orders', 8], ['Priced', 'priced', 8], ['Amount', 'total', 12]);
    my $x = 0;
    for my $c (@columns) {
        $sheet->set_column($x, $x, $c->[2], $c->[1] eq 'total' ? $amount : undef);
        $sheet->write(0, $x++, $c->[0], $header);
    }
    $sheet->freeze_panes(1, 0);
    my $y = 1;
    for my $r (@summary) {
        $x = 0;
        $sheet->write($y, $x++, $r->{ $_->[1] }) for @columns;
        $y++;
    }
    $sheet->write($y, 0, 'Total', $header);
    $sheet->write_formula($y, 5, "=SUM(F2:F$y)", $total);
    $sheet->autofilter(0, 0, $y - 1, $#columns);

    my $orders = $workbook->add_worksheet('Top orders');
    $orders->write_row(0, 0, ['Order', 'Date', 'Region', 'Amount', 'Customer'], $header);
    $orders->set_column('B:B', 12);
    $orders->set_column('E:E', 24);
    my $date = $workbook->add_format(num_format => 'yyyy-mm-dd');
    my $top_orders = $dbh->selectall_arrayref(<<'SQL', undef);
SELECT order_id, order_date, region, amount, customer
  FROM orders WHERE amount IS NOT NULL ORDER BY amount DESC, order_id LIMIT 5
SQL
    for my $i (0 .. $#$top_orders) {
        my ($id, $day, $region, $value, $customer) = @{ $top_orders->[$i] };
        $orders->write_number($i + 1, 0, $id);
        $orders->write_date_time($i + 1, 1, "${day}T", $date);
        $orders->write_string($i + 1, 2, $region);
        $orders->write_number($i + 1, 3, $value, $amount);
        $orders->write_string($i + 1, 4, $customer);
    }
    $workbook->close or die "demo_job: cannot write $xlsx: $!\n";
    logline("wrote $xlsx");
}

$dbh->disconnect;
exit 0;

# ---------------------------------------------------------------------------------------------
sub money { defined $_[0] ? sprintf('%.2f', $_[0]) : '-' }

sub logline { printf STDERR "demo_job: %s\n", $_[0] }

# Calls $code->($line_number, @fields) for each data line of a simple CSV file (no quoting, as
# the feeds this job reads never quote). The header line is skipped.
sub for_each_line {
    my ($file, $code) = @_;
    open my $in, '<', $file or die "demo_job: cannot read $file: $!\n";
    <$in>;
    while (my $line = <$in>) {
        chomp $line;
        next unless length $line;
        $code->($., split /,/, $line, -1);
    }
    close $in;
}
