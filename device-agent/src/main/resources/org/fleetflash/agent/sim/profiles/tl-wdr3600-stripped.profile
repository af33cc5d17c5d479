# TP-Link TL-WDR3600 with a stripped freebsd-wifi-build style image:
# no fetch, sha256, md5, awk, sed, od or geom, and a kernel without tmpfs.
# Format: docs/simulator.md. Numbers are decimal or 0x-hex.
model=TP-Link TL-WDR3600 v1.5
hostname=tl-wdr3600
os.release=11.0-CURRENT
os.reldate=1100097
os.version=FreeBSD 11.0-CURRENT #0 r295681: Tue Feb  9 19:20:11 NOVT 2016     eugen@build.grosbein.net:/usr/obj/mips.mips/home/src/sys/TL-WDR4300
hw.model=Atheros AR9344 rev 2
hw.machine=mips
hw.machine_arch=mips
# TP-Link hardware id in the firmware header (OpenWrt TPLINK_HWID of TL-WDR3600 v1)
board.hwid=0x36000001
# where U-Boot sees the SPI flash in the CPU's address space (bootm 0x9f020000)
boot.flash_base=0x9f000000
# where U-Boot loads and starts the kernel: a FreeBSD kernel for the AR71xx-AR934x is linked at 0x80050000
boot.kernel_load=0x80050000
boot.kernel_entry=0x80050100
mem.physmem=134217728
mem.usermem=109051904
mem.pagesize=4096
mem.free_pages=18934

flash.device=flash/spi0
flash.size=0x800000
flash.erase_block=0x10000
flash.sector_size=512
# Bytes per second of erase+program as measured by Eugene (99800 B/s); 0 = unthrottled.
# Tests use Profile.unthrottled().
flash.write_bps=100000
flash.read_bps=0

# partition.<hint index>=<name> <start> <end> <ro|rw>
partition.0=u-boot 0x000000 0x020000 ro
partition.2=kernel 0x020000 search:0x00020000:0x10000:.!/bin/sh rw
partition.3=rootfs search:0x00020000:0x10000:.!/bin/sh 0x7d0000 rw
partition.4=cfg 0x7d0000 0x7e0000 rw
partition.5=mib0 0x7e0000 0x7f0000 ro
partition.6=ART 0x7f0000 0x800000 ro
layout=kernel rootfs
root.mountfrom=ufs:map/rootfs.uncompress
root.uncompressed_size=16777216

tmpfs=no
watchdogd=yes
leds=USB1 USB2 WLAN2G SYSTEM QSS
# <unit>:<type>:<size>:<mount point>  (NanoBSD-style /etc and /var memory disks)
md.preallocated=md0:malloc:2m:/etc md1:malloc:4m:/var
tools.absent=fetch sha256 md5 awk sed od geom

ssh.user=root
ssh.password=fleetflash
reboot.delay=PT20S
# rc.shutdown after reboot -r: at most this long before init ends the SSH sessions (sooner once they have ended)
shutdown.grace=PT1.5S

firmware.version=wifi-build-20160301
image.size=7919104
image.kernel_size=1245184
