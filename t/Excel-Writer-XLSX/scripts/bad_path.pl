# new() on a path that cannot be written returns undef (and sets $!), as native.
use strict;
use warnings;
use Excel::Writer::XLSX;

for my $path ('/nonexistent/dir/x.xlsx', 'no/such/subdir/y.xlsx', '.') {
    $! = 0;
    my $wb = Excel::Writer::XLSX->new($path);
    print "$path: ", (defined $wb ? 'object' : "undef ($!)"), "\n";
}
# A read-only directory (root writes anyway, so only as another user).
if ($> != 0) {
    mkdir 'ro' or die;
    chmod 0555, 'ro';
    my $wb = Excel::Writer::XLSX->new('ro/z.xlsx');
    print 'read-only dir: ', (defined $wb ? 'object' : 'undef'), "\n";
    chmod 0755, 'ro';
    rmdir 'ro';
}
print "ok\n";
