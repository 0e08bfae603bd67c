# Shared by the scripts: the test sshd's connection options and one way of printing what a call
# gave back, so the native and the bridged run print the same lines for the same behaviour.
use strict;
use warnings;

our $REMOTE = $ENV{SFTP_T_REMOTE};

# The options a batch job would pass, from the test sshd's environment. %extra overrides.
sub sftp_opts {
    my (%extra) = @_;
    my $auth = delete $extra{auth} || 'key';
    my @known = ('-o', "UserKnownHostsFile=$ENV{CPAN_BRIDGE_TEST_SSH_KNOWN_HOSTS}",
                 '-o', 'GlobalKnownHostsFile=/dev/null', '-o', 'StrictHostKeyChecking=yes');
    my %o = (user => $ENV{CPAN_BRIDGE_TEST_SSH_USER}, port => $ENV{CPAN_BRIDGE_TEST_SSH_PORT}, timeout => 30);
    if ($auth eq 'key') {
        $o{more} = [@known, '-i', $ENV{CPAN_BRIDGE_TEST_SSH_KEY}, '-o', 'BatchMode=yes', '-o', 'IdentitiesOnly=yes'];
    } elsif ($auth eq 'key_path') {
        $o{key_path} = $ENV{CPAN_BRIDGE_TEST_SSH_KEY};
        $o{more} = [@known, '-o', 'IdentitiesOnly=yes'];
    } elsif ($auth eq 'password') {
        $o{password} = $ENV{CPAN_BRIDGE_TEST_SSH_PASSWORD};
        $o{more} = [@known, '-o', 'IdentitiesOnly=yes', '-o', 'IdentityFile=/nonexistent'];
    }
    push @{ $o{more} }, @{ delete $extra{more} } if $extra{more};
    return (%o, %extra);
}

sub dv {
    my ($v) = @_;
    return 'undef' unless defined $v;
    return sprintf('%d[%s]', $v, "$v") if $v =~ /\D/ && Scalar::Util::looks_like_number(0 + $v) && (0 + $v) != 0;
    return "'$v'";
}

# label: return value | error code [text] | status code [text]
sub show {
    my ($label, $sftp, @ret) = @_;
    my $r = @ret == 1 ? _val($ret[0]) : '(' . join(', ', map { _val($_) } @ret) . ')';
    my $e = $sftp->error;
    my $s = $sftp->status;
    printf "%s => %s | error %d [%s] | status %d [%s]\n", $label, $r, $e, "$e", $s, "$s";
    return wantarray ? @ret : $ret[0];
}

sub _val {
    my ($v) = @_;
    return 'undef' unless defined $v;
    if (ref $v eq 'ARRAY') { return '[' . join(', ', map { _val($_) } @$v) . ']' }
    if (ref $v eq 'HASH') { return '{' . join(', ', map { "$_=" . _val($v->{$_}) } sort keys %$v) . '}' }
    if (ref $v && UNIVERSAL::isa($v, 'Net::SFTP::Foreign::Attributes')) { return attrs($v) }
    return "'$v'";
}

# An attributes object the same way on both sides; times relative to "now" are not comparable,
# so mtime/atime show only when a test set them (before 2017).
sub attrs {
    my ($a) = @_;
    return 'undef' unless defined $a;
    my @p;
    push @p, 'flags=' . $a->flags;
    push @p, 'size=' . $a->size if defined $a->size;
    push @p, sprintf('perm=%o', $a->perm) if defined $a->perm;
    push @p, 'uid=' . ($a->uid == (getpwnam($ENV{CPAN_BRIDGE_TEST_SSH_USER}))[2] ? 'testuser' : $a->uid) if defined $a->uid;
    for my $t (qw(mtime atime)) {
        my $v = $a->$t;
        push @p, "$t=" . (!defined $v ? 'undef' : $v < 1_500_000_000 ? $v : 'recent');
    }
    return 'attrs{' . join(' ', @p) . '}';
}

sub entries {
    my ($list) = @_;
    return 'undef' unless $list;
    return '[' . join(', ', map { ref $_ ? "$_->{filename}:" . (ref $_->{a}) . ':' . attrs($_->{a}) . (defined $_->{longname} ? ':L' : '') : $_ } @$list) . ']';
}

use Scalar::Util ();
1;
